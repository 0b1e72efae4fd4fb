// Web layer: the HTTP(S) listener. Builds the route table, applies the access rules, answers
// errors as JSON. Must not import spool/forward/services: the gateway comes in as a WebBackend.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Access, loginRequiredFor } from './auth/access.js';
import { AuthStore } from './auth/store.js';
import { apiRoutes } from './routes-api.js';
import { assetRoutes } from './assets.js';
import { authRoutes } from './routes-auth.js';
import { probeRoutes } from './routes-probe.js';
import { startHeartbeat } from './heartbeat.js';
import { HttpError, baseHeaders, sendError } from './http-util.js';
import { findRoute, type Route } from './router.js';
import type { HttpServerHandle, HttpServerOptions } from './types.js';
import type { Logger } from '../log.js';

const DEFAULT_OPEN = ['/healthz', '/readyz', '/metrics'];
const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE']);

/** The request target as a URL; absolute-form targets with a bad authority ("http://[") are a 400. */
function parseTarget(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://pacsgate.invalid');
  } catch {
    throw new HttpError('GW_HTTP_BAD_REQUEST', 'unparseable request target');
  }
}

async function dispatch(routes: Route[], access: Access, log: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  baseHeaders(res);
  const method = req.method ?? 'GET';
  let url = new URL('http://pacsgate.invalid/');
  try {
    url = parseTarget(req.url);
    const match = findRoute(routes, method, url.pathname);
    if (match === null) throw new HttpError('GW_HTTP_NOT_FOUND', 'no such endpoint');
    if ('allowed' in match) {
      res.setHeader('Allow', match.allowed.join(', '));
      throw new HttpError('GW_HTTP_METHOD', `use ${match.allowed.join(' or ')}`);
    }
    const session = access.session(req);
    access.authorize(match.route.access, url.pathname, session);
    if (STATE_CHANGING.has(method)) {
      if (match.route.csrf === false) access.checkOrigin(req);
      else access.checkCsrf(req, session);
    }
    const remote = req.socket.remoteAddress ?? 'unknown';
    await match.route.handler({ req, res, url, params: match.params, session, remote });
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof HttpError) {
      if (err.status === 429) res.setHeader('Retry-After', String(err.extra.retryAfterSeconds ?? 60));
      sendError(res, err);
      return;
    }
    log.error({ err, method, path: url.pathname }, 'http handler failed');
    sendError(res, new HttpError('GW_HTTP_INTERNAL', 'internal error; see the gateway log'));
  }
}

function createServer(opts: HttpServerOptions, onRequest: http.RequestListener): http.Server {
  const common = { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 };
  if (!opts.tls) return http.createServer(common, onRequest);
  return https.createServer(
    { ...common, cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) },
    onRequest,
  ) as unknown as http.Server;
}

/**
 * Starts the web page + JSON API + probes (CONTRACT.md "HTTP"); logs 'http listening' with
 * {host, port}. Login is required when bound to a non-loopback address (or `login: 'required'`).
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServerHandle> {
  const log = opts.log;
  const loginRequired = loginRequiredFor(opts.host, opts.login);
  const store = await AuthStore.open(opts.stateDir, log, loginRequired);
  const access = new Access(loginRequired, store, opts.tls !== undefined, new Set(opts.open ?? DEFAULT_OPEN));
  const configFile = opts.configFile ?? opts.backend.config().source.file ?? path.join(opts.stateDir, 'config.json');
  const routes: Route[] = [
    ...probeRoutes(opts.backend, opts.metricsToken),
    ...authRoutes(access, log),
    ...apiRoutes({ backend: opts.backend, log, configFile }),
    ...assetRoutes(),
  ];
  const server = createServer(opts, (req, res) => {
    dispatch(routes, access, log, req, res).catch((err: unknown) => log.error({ err }, 'http dispatch failed'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'http server error'));
  const port = (server.address() as AddressInfo).port;
  log.info({ host: opts.host, port, tls: opts.tls !== undefined, loginRequired }, 'http listening');
  const heartbeat = opts.heartbeat ? startHeartbeat(opts.heartbeat, opts.backend, log) : undefined;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        heartbeat?.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
