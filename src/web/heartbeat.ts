// Web layer: optional outbound heartbeat — POSTs the /api/status JSON to a URL at an interval.
// Must not retry or queue: a missed beat is simply the next one; failures log once per change.
import type { Logger } from '../log.js';
import type { WebBackend } from './types.js';

export function startHeartbeat(
  cfg: { url: string; intervalSeconds: number },
  backend: WebBackend,
  log: Logger,
): { stop(): void } {
  // The URL may carry a token in its path or query: logs show the origin only.
  const where = new URL(cfg.url).origin;
  let failing = false;
  let inFlight = false;
  const beat = async (): Promise<void> => {
    if (inFlight) return;
    inFlight = true;
    try {
      const res = await fetch(cfg.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(backend.status()),
        // A slow receiver delays the next beat (inFlight) but never stacks requests.
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (failing) log.info({ url: where }, 'heartbeat recovered');
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ url: where, err: (err as Error).message }, 'heartbeat failed');
      failing = true;
    } finally {
      inFlight = false;
    }
  };
  const timer = setInterval(() => void beat(), cfg.intervalSeconds * 1000);
  timer.unref();
  void beat();
  return { stop: () => clearInterval(timer) };
}
