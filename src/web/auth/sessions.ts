// Web layer: in-memory login sessions, each with its own CSRF token. A restart logs everyone out.
// Must not touch cookies or HTTP; server.ts maps the cookie to a session id.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_IDLE_MS = 8 * 3600_000;
export const SESSION_MAX_MS = 24 * 3600_000;
const MAX_SESSIONS = 64;

export interface Session {
  id: string;
  csrf: string;
  createdAt: number;
  seenAt: number;
}

export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Constant-time comparison of two secrets (length leak only). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(): Session {
    const t = this.now();
    const s: Session = { id: newSecret(), csrf: newSecret(), createdAt: t, seenAt: t };
    this.sessions.set(s.id, s);
    while (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    return s;
  }

  /** The live session for `id`, refreshing its idle timer; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const t = this.now();
    if (t - s.seenAt > SESSION_IDLE_MS || t - s.createdAt > SESSION_MAX_MS) {
      this.sessions.delete(id);
      return undefined;
    }
    s.seenAt = t;
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session (after a password change). */
  clear(): void {
    this.sessions.clear();
  }
}
