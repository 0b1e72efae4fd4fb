// Web layer: CONTRACT.md "HTTP" probes — /healthz, /readyz, /api/status, /metrics.
// Must not change state; every figure comes from the backend's snapshot.
import { HttpError, sendJson, sendText } from './http-util.js';
import { renderMetrics, METRICS_CONTENT_TYPE } from './metrics.js';
import { sameSecret } from './auth/sessions.js';
import type { Route, Ctx } from './router.js';
import type { WebBackend } from './types.js';

function checkBearer(ctx: Ctx, token: string): void {
  const m = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (!m || !sameSecret(m[1], token)) {
    ctx.res.setHeader('WWW-Authenticate', 'Bearer realm="pacsgate metrics"');
    throw new HttpError('GW_HTTP_METRICS_TOKEN', 'metrics need Authorization: Bearer <token>');
  }
}

export function probeRoutes(backend: WebBackend, metricsToken: string | undefined): Route[] {
  return [
    // Answered from the event loop itself: if this runs, the loop is alive.
    { method: 'GET', path: '/healthz', access: 'probe', handler: ({ res }) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET', path: '/readyz', access: 'probe',
      handler: ({ res }) => {
        const r = backend.ready();
        sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', reasons: r.reasons });
      },
    },
    { method: 'GET', path: '/api/status', access: 'probe', handler: ({ res }) => sendJson(res, 200, backend.status()) },
    {
      // With a metrics token the bearer check replaces the login rule (server.ts: access 'public').
      method: 'GET', path: '/metrics', access: metricsToken ? 'public' : 'probe',
      handler: (ctx) => {
        if (metricsToken) checkBearer(ctx, metricsToken);
        sendText(ctx.res, 200, METRICS_CONTENT_TYPE, renderMetrics(backend.status(), backend.ready().ready));
      },
    },
  ];
}
