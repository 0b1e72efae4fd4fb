// Web layer: first-run setup, login, logout and the session probe the page starts with.
// Must not store credentials itself (auth/store.ts) nor decide access rules (auth/access.ts).
import { HttpError, readJson, sendJson } from './http-util.js';
import { MIN_PASSWORD, MAX_PASSWORD } from './auth/store.js';
import type { Access } from './auth/access.js';
import type { Route, Ctx } from './router.js';
import type { Logger } from '../log.js';

function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | null)?.[name];
  if (typeof v !== 'string') throw new HttpError('GW_HTTP_BAD_REQUEST', `${name} must be a string`, { key: name });
  return v;
}

function checkNewPassword(pw: string): void {
  if (pw.length < MIN_PASSWORD || pw.length > MAX_PASSWORD) {
    throw new HttpError('GW_HTTP_WEAK_PASSWORD', `password must have ${MIN_PASSWORD}-${MAX_PASSWORD} characters`, { key: 'password' });
  }
}

export function authRoutes(access: Access, log: Logger): Route[] {
  function startSession(ctx: Ctx): void {
    const s = access.sessions.create();
    ctx.res.setHeader('Set-Cookie', access.sessionCookie(s));
    sendJson(ctx.res, 200, { authenticated: true, csrfToken: s.csrf });
  }

  async function setup(ctx: Ctx): Promise<void> {
    access.limit(ctx.remote);
    const body = await readJson(ctx.req);
    if (!access.loginRequired || access.store.hasPassword()) throw new HttpError('GW_HTTP_SETUP_DONE', 'setup is already done');
    const token = field(body, 'token');
    const pw = field(body, 'password');
    checkNewPassword(pw);
    if (!(await access.store.setup(token, pw))) {
      log.warn({ remote: ctx.remote }, 'http setup refused');
      throw new HttpError('GW_HTTP_SETUP_TOKEN', 'wrong setup token', { key: 'token' });
    }
    access.sessions.clear();
    log.info({ remote: ctx.remote }, 'http admin password set');
    startSession(ctx);
  }

  async function login(ctx: Ctx): Promise<void> {
    access.limit(ctx.remote);
    const body = await readJson(ctx.req);
    const pw = field(body, 'password');
    if (!access.loginRequired) throw new HttpError('GW_HTTP_NO_LOGIN', 'login is not required on this address');
    if (pw.length > MAX_PASSWORD || !(await access.store.verifyPassword(pw))) {
      log.warn({ remote: ctx.remote }, 'http login failed');
      throw new HttpError('GW_HTTP_LOGIN_FAILED', 'wrong password', { key: 'password' });
    }
    log.info({ remote: ctx.remote }, 'http login');
    startSession(ctx);
  }

  return [
    {
      method: 'GET', path: '/api/session', access: 'public',
      handler: ({ req, res, session }) => {
        const authenticated = !access.loginRequired || session !== undefined;
        sendJson(res, 200, {
          loginRequired: access.loginRequired,
          setupRequired: access.loginRequired && !access.store.hasPassword(),
          authenticated,
          csrfToken: authenticated ? access.csrfToken(req, session) : null,
        });
      },
    },
    { method: 'POST', path: '/api/setup', access: 'public', csrf: false, handler: setup },
    { method: 'POST', path: '/api/login', access: 'public', csrf: false, handler: login },
    {
      method: 'POST', path: '/api/logout', access: 'user',
      handler: ({ res, session }) => {
        if (session) access.sessions.delete(session.id);
        res.setHeader('Set-Cookie', access.clearCookie());
        sendJson(res, 200, { authenticated: false });
      },
    },
  ];
}
