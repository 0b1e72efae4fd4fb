// Web layer: fixed-window attempt limiter for login and setup (per client address).
// Must not do I/O; the caller decides what a refused attempt answers (429 + Retry-After).

export interface RateLimitOptions {
  /** Attempts allowed per window and key. */
  limit: number;
  windowMs: number;
  /** Keys tracked at most; the oldest window is dropped first so memory stays bounded. */
  maxKeys?: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Counts one attempt for `key`; returns 0 when allowed, else milliseconds until the next window. */
  take(key: string): number {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.opts.windowMs) {
      this.windows.delete(key);
      w = { start: t, count: 0 };
      this.windows.set(key, w);
      this.evict();
    }
    if (w.count >= this.opts.limit) return w.start + this.opts.windowMs - t;
    w.count++;
    return 0;
  }

  private evict(): void {
    const max = this.opts.maxKeys ?? 10_000;
    while (this.windows.size > max) {
      const oldest = this.windows.keys().next().value as string;
      this.windows.delete(oldest);
    }
  }
}
