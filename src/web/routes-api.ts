// Web layer: the JSON API behind the page (docs/api.md): config read/save, C-ECHO test, recent
// instances, dead letters. Must not apply config itself: it saves, then hands it to the backend.
import { ConfigError } from '../errors.js';
import { mergeDeep } from '../config/load.js';
import { checkAeTitle, checkHost, checkInt } from '../config/schema.js';
import { configDocument, saveConfig } from '../config/save.js';
import type { Config } from '../config/types.js';
import { HttpError, readJson, sendJson } from './http-util.js';
import type { Route, Ctx } from './router.js';
import type { WebBackend } from './types.js';
import type { Logger } from '../log.js';

/** The config as the page sees it: no `source`, no secrets (the metrics token stays file-only). */
export function publicConfig(cfg: Config): Record<string, unknown> {
  const doc = structuredClone(configDocument(cfg)) as unknown as Record<string, unknown> & { http: Record<string, unknown> };
  delete doc.http.metricsToken;
  return doc;
}

/** A ConfigError becomes a 400 that names the field; anything else passes through. */
function asHttpError(err: unknown): unknown {
  return err instanceof ConfigError ? new HttpError('GW_ERR_CONFIG', err.message, { key: err.key }) : err;
}

function validated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asHttpError(err);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ApiDeps {
  backend: WebBackend;
  log: Logger;
  configFile: string;
}

export function apiRoutes({ backend, log, configFile }: ApiDeps): Route[] {
  // Saves run one at a time, so two quick saves cannot interleave their write + apply.
  let saving: Promise<unknown> = Promise.resolve();

  async function putConfig({ req, res }: Ctx): Promise<void> {
    const body = await readJson(req);
    if (!isObject(body)) throw new HttpError('GW_ERR_CONFIG', 'expected a config object', { key: '(root)' });
    const run = saving.then(async () => {
      const current = configDocument(backend.config()) as unknown as Record<string, unknown>;
      const merged = mergeDeep(current, body);
      try {
        const next = await saveConfig(configFile, merged);
        const result = await backend.applyConfig(next);
        log.info({ file: configFile, applied: result.applied, restartRequired: result.restartRequired }, 'config saved');
        return { ...result, file: configFile, config: publicConfig(next) };
      } catch (err) {
        throw asHttpError(err);
      }
    });
    saving = run.catch(() => undefined);
    sendJson(res, 200, await run);
  }

  async function echo({ req, res }: Ctx): Promise<void> {
    const b = await readJson(req);
    if (!isObject(b)) throw new HttpError('GW_ERR_CONFIG', 'expected {aeTitle, host, port}', { key: '(root)' });
    const peer = validated(() => ({
      aeTitle: checkAeTitle('aeTitle', b.aeTitle),
      host: checkHost('host', b.host),
      port: checkInt('port', b.port, 1, 65535),
      callingAeTitle: b.callingAeTitle === undefined || b.callingAeTitle === ''
        ? backend.config().aeTitle
        : checkAeTitle('callingAeTitle', b.callingAeTitle),
    }));
    const result = await backend.echo(peer);
    log.info({ peer: `${peer.aeTitle}@${peer.host}:${peer.port}`, ok: result.ok, ms: result.ms }, 'echo test');
    sendJson(res, 200, result);
  }

  /** The `:id` path parameter as a spool instance id; anything else is a 404 for `what`. */
  const instanceId = (ctx: Ctx, what: string): number => {
    const id = Number(ctx.params.id);
    if (!Number.isSafeInteger(id) || id < 0) throw new HttpError('GW_HTTP_NOT_FOUND', `no such ${what}`);
    return id;
  };

  async function deadLetterAction(ctx: Ctx, act: 'retry' | 'discard'): Promise<void> {
    const dest = ctx.params.destination;
    const id = instanceId(ctx, 'dead letter');
    const ok = act === 'retry' ? await backend.retryDeadLetter(dest, id) : await backend.discardDeadLetter(dest, id);
    if (!ok) throw new HttpError('GW_HTTP_NOT_FOUND', 'no such dead letter');
    log.info({ destination: dest, id, action: act }, 'dead letter');
    sendJson(ctx.res, 200, { ok: true });
  }

  /** POST /api/instances/:id/resend {"destinations"?: [...]}: a local re-send (docs/api.md). */
  async function resend(ctx: Ctx): Promise<void> {
    const id = instanceId(ctx, 'instance in the spool');
    const body = await readJson(ctx.req);
    if (!isObject(body)) throw new HttpError('GW_HTTP_BAD_REQUEST', 'expected {"destinations"?: [names]}');
    let names: string[] | undefined;
    if (body.destinations !== undefined) {
      const known = new Set(backend.config().destinations.map((d) => d.name));
      if (!Array.isArray(body.destinations) || body.destinations.length === 0 || !body.destinations.every((n) => typeof n === 'string' && known.has(n))) {
        throw new HttpError('GW_HTTP_BAD_REQUEST', `destinations: expected a non-empty list of configured destination names (${[...known].join(', ') || 'none configured'})`);
      }
      names = body.destinations as string[];
    }
    const queued = await backend.resendInstance(id, names);
    if (queued === null) throw new HttpError('GW_HTTP_NOT_FOUND', 'no such instance in the spool');
    log.info({ id, queued }, 'instance queued again');
    sendJson(ctx.res, 200, { ok: true, queued });
  }

  return [
    { method: 'GET', path: '/api/config', access: 'user', handler: ({ res }) => sendJson(res, 200, { config: publicConfig(backend.config()), file: configFile }) },
    { method: 'PUT', path: '/api/config', access: 'user', handler: putConfig },
    { method: 'POST', path: '/api/echo', access: 'user', handler: echo },
    { method: 'GET', path: '/api/instances', access: 'user', handler: ({ res }) => sendJson(res, 200, { instances: backend.recentInstances().slice(0, 100) }) },
    { method: 'POST', path: '/api/instances/:id/resend', access: 'user', handler: resend },
    { method: 'GET', path: '/api/dead-letters', access: 'user', handler: ({ res }) => sendJson(res, 200, { deadLetters: backend.deadLetters() }) },
    { method: 'POST', path: '/api/dead-letters/:destination/:id/retry', access: 'user', handler: (ctx) => deadLetterAction(ctx, 'retry') },
    { method: 'DELETE', path: '/api/dead-letters/:destination/:id', access: 'user', handler: (ctx) => deadLetterAction(ctx, 'discard') },
  ];
}
