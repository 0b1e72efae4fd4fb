// Web layer: who may do what. Login is required when bound to a non-loopback address (or when
// configured); sessions ride in an HttpOnly SameSite=Strict cookie; state changes need a CSRF token.
// Must not read bodies or answer requests itself: it throws HttpError and server.ts answers.
import type { IncomingMessage } from 'node:http';
import { HttpError, parseCookies, isLoopbackHost } from '../http-util.js';
import { RateLimiter } from './rate-limit.js';
import { SessionStore, newSecret, sameSecret, SESSION_MAX_MS, type Session } from './sessions.js';
import type { AuthStore } from './store.js';
import type { Access as RouteAccess } from '../router.js';

export const SESSION_COOKIE = 'pacsgate_session';
export const CSRF_HEADER = 'x-csrf-token';
/** Login and setup attempts per client address per minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;
/** All addresses together: bounds the CPU that scrypt checks can be made to burn. */
export const LOGIN_ATTEMPTS_PER_MINUTE_TOTAL = 60;

/** CONTRACT.md default bind 127.0.0.1 → no login; any other address (0.0.0.0, a LAN IP) → login. */
export function loginRequiredFor(host: string, login: 'auto' | 'required' = 'auto'): boolean {
  return login === 'required' || !isLoopbackHost(host);
}

export class Access {
  readonly sessions = new SessionStore();
  private readonly limiter = new RateLimiter({ limit: LOGIN_ATTEMPTS_PER_MINUTE, windowMs: 60_000 });
  private readonly totalLimiter = new RateLimiter({ limit: LOGIN_ATTEMPTS_PER_MINUTE_TOTAL, windowMs: 60_000 });
  /** Without login the page still needs a CSRF token: one per process, handed out by GET /api/session. */
  private readonly localCsrf = newSecret();

  constructor(
    readonly loginRequired: boolean,
    readonly store: AuthStore,
    private readonly secure: boolean,
    private readonly open: ReadonlySet<string>,
  ) {}

  session(req: IncomingMessage): Session | undefined {
    return this.sessions.get(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
  }

  /** Throws 401 unless the route's access rule lets this request through. */
  authorize(access: RouteAccess, path: string, session: Session | undefined): void {
    if (access === 'public' || !this.loginRequired || session) return;
    if (access === 'probe' && this.open.has(path)) return;
    throw new HttpError('GW_HTTP_LOGIN_REQUIRED', 'log in first');
  }

  /**
   * Without login the token goes only to pages addressed by a loopback host name, so a page on a
   * rebinding DNS name cannot read it (DNS rebinding defence).
   */
  csrfToken(req: IncomingMessage, session: Session | undefined): string | null {
    if (this.loginRequired) return session?.csrf ?? null;
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    return isLoopbackHost(host) ? this.localCsrf : null;
  }

  /** Every state-changing request: refused when a browser says it comes from another origin. */
  checkOrigin(req: IncomingMessage): void {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let originHost = '';
      try {
        originHost = new URL(origin).host;
      } catch {
        // Unparseable Origin: treated as foreign below.
      }
      if (originHost !== req.headers.host) throw new HttpError('GW_HTTP_CSRF', 'cross-origin request refused');
    }
  }

  /** Every state-changing request but login/setup: same origin and the session's token. */
  checkCsrf(req: IncomingMessage, session: Session | undefined): void {
    this.checkOrigin(req);
    const sent = req.headers[CSRF_HEADER];
    const expected = this.loginRequired ? session?.csrf : this.localCsrf;
    if (typeof sent !== 'string' || !expected || !sameSecret(sent, expected)) {
      throw new HttpError('GW_HTTP_CSRF', `missing or wrong ${CSRF_HEADER} header`);
    }
  }

  /** Counts a login/setup attempt; throws 429 with retryAfterSeconds when over the limit. */
  limit(remote: string): void {
    const waitMs = this.limiter.take(remote) || this.totalLimiter.take('*');
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      throw new HttpError('GW_HTTP_RATE_LIMITED', 'too many attempts; try again later', { retryAfterSeconds });
    }
  }

  sessionCookie(s: Session): string {
    return `${SESSION_COOKIE}=${s.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_MS / 1000}${this.secure ? '; Secure' : ''}`;
  }

  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${this.secure ? '; Secure' : ''}`;
  }
}
