// Web layer: a small method + path table with `:name` segments. Each route declares who may call it.
// Must not hold handlers' logic or read bodies; server.ts dispatches, the routes-*.ts files answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session } from './auth/sessions.js';

/**
 * public: anyone (the page shell, login and setup);
 * probe: anyone when login is off or the path is in http.open, else a session;
 * user: a session when login is required.
 * Every method other than GET/HEAD also needs the CSRF token, except `csrf: false` routes
 * (login, setup: there is no session yet).
 */
export type Access = 'public' | 'probe' | 'user';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  session: Session | undefined;
  /** Client address, for rate limiting and logs. */
  remote: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  access: Access;
  csrf?: boolean;
  handler: (ctx: Ctx) => Promise<void> | void;
}

export type Match = { route: Route; params: Record<string, string> } | { allowed: string[] } | null;

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/'), s = path.split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      if (!s[i]) return null;
      try {
        params[p[i].slice(1)] = decodeURIComponent(s[i]);
      } catch {
        return null;
      }
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** The route for method + path; `{allowed}` when only the method is wrong (405); null: 404. HEAD runs GET. */
export function findRoute(routes: readonly Route[], method: string, path: string): Match {
  const m = method === 'HEAD' ? 'GET' : method;
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (route.method === m) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : null;
}
