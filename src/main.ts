// Entry of the daemon: config → logger → gateway (spool, DICOM listener, forwarder) → signals.
// Wires layers together; holds no protocol logic of its own.
import { loadConfig } from './config/load.js';
import { createLogger, type RootLogger } from './log.js';
import { VERSION } from './version.js';
import { Gateway } from './gateway.js';
import type { Config } from './config/types.js';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { createBackend, RecentList } from './backend.js';
import { startHttpServer } from './web/server.js';
import { httpOptionsFromConfig } from './web/options.js';
import type { HttpServerHandle } from './web/types.js';

export interface DaemonOptions {
  configFile?: string;
}

/** Effective settings for the start-up log line: everything but secrets (the metrics token). */
function settingsSummary(cfg: Config): Record<string, unknown> {
  return {
    configFile: cfg.source.file,
    aeTitle: cfg.aeTitle,
    dicom: { ...cfg.dicom, transferSyntaxes: cfg.dicom.transferSyntaxes.length || 'default' },
    http: { ...cfg.http, metricsToken: cfg.http.metricsToken === null ? null : '[set]' },
    spool: cfg.spool,
    destinations: cfg.destinations.map((d) => ({ name: d.name, aeTitle: d.aeTitle, host: d.host, port: d.port })),
    routes: cfg.routes.length,
  };
}

/** CONTRACT.md: SIGTERM/SIGINT stop within 10 s; this bounds the graceful part. */
const STOP_DEADLINE_MS = 9000;

export async function runDaemon(opts: DaemonOptions): Promise<void> {
  // Handlers first: a SIGTERM during start-up must still end in a graceful stop and exit 0
  // (CONTRACT.md), not in death by signal. It is acted on once the start-up finished.
  let requested: string | null = null;
  let onSignal = (signal: string): void => {
    requested = signal;
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  let cfg = loadConfig({ file: opts.configFile });
  // Without a config file, settings saved from the web page live in <spool>/http/config.json.
  const saved = path.join(cfg.spool.dir, 'http', 'config.json');
  if (!cfg.source.file && existsSync(saved)) cfg = loadConfig({ file: saved });
  const root: RootLogger = createLogger(cfg.log.level);
  const log = root.logger;
  log.info({ version: VERSION, node: process.version, settings: settingsSummary(cfg) }, 'starting');
  let gateway: Gateway;
  try {
    gateway = await Gateway.start(cfg, log);
  } catch (err) {
    log.fatal({ err }, 'start failed');
    root.flush();
    process.exitCode = 1;
    return;
  }
  const recent = new RecentList();
  gateway.onStored = (r) => recent.add(r);
  let http: HttpServerHandle;
  try {
    const stateDir = path.join(cfg.spool.dir, 'http');
    http = await startHttpServer(httpOptionsFromConfig(cfg, { log: log.child({ layer: 'http' }), backend: createBackend(gateway, recent, log), stateDir, configFile: cfg.source.file ?? undefined }));
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await gateway.stop(0);
    root.flush();
    process.exitCode = 1;
    return;
  }
  log.info({ dicomPort: gateway.dicomPort, httpPort: http.port, spool: gateway.status().spool }, 'ready');

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      log.warn('stop deadline passed, exiting');
      root.flush();
      process.exit(0);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    Promise.all([http.close(), gateway.stop(Math.min(5000, STOP_DEADLINE_MS - 2000))]).then(
      () => {
        log.info('stopped');
        root.flush();
        process.exitCode = 0;
        clearTimeout(deadline);
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        root.flush();
        process.exit(1);
      },
    );
  };
  onSignal = shutdown;
  if (requested !== null) shutdown(requested);
}
