// Web layer: maps the validated config's `http` section onto startHttpServer's options, so main.ts
// wires the web side in one call. Must not read files or environment itself.
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import type { HttpServerOptions, WebBackend } from './types.js';

export function httpOptionsFromConfig(
  cfg: Config,
  deps: { log: Logger; backend: WebBackend; stateDir: string; configFile?: string },
): HttpServerOptions {
  const h = cfg.http;
  return {
    host: h.host,
    port: h.port,
    log: deps.log,
    backend: deps.backend,
    stateDir: deps.stateDir,
    login: h.login,
    open: h.open,
    tls: h.tls ?? undefined,
    metricsToken: h.metricsToken ?? undefined,
    heartbeat: h.heartbeat ?? undefined,
    configFile: deps.configFile ?? cfg.source.file ?? undefined,
  };
}
