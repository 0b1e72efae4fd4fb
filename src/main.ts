// Entry of the daemon: config → logger → gateway (spool, DICOM listener, forwarder) → signals.
// Wires layers together; holds no protocol logic of its own.
import { loadConfig } from './config/load.js';
import { createLogger, type RootLogger } from './log.js';
import { VERSION } from './version.js';
import { Gateway } from './gateway.js';
import type { Config } from './config/types.js';

export interface DaemonOptions {
  configFile?: string;
}

/** Effective settings for the start-up log line: everything but secrets. */
function settingsSummary(cfg: Config): Record<string, unknown> {
  return {
    configFile: cfg.source.file,
    aeTitle: cfg.aeTitle,
    dicom: { ...cfg.dicom, transferSyntaxes: cfg.dicom.transferSyntaxes.length || 'default' },
    http: cfg.http,
    spool: cfg.spool,
    destinations: cfg.destinations.map((d) => ({ name: d.name, aeTitle: d.aeTitle, host: d.host, port: d.port })),
    routes: cfg.routes.length,
  };
}

/** CONTRACT.md: SIGTERM/SIGINT stop within 10 s; this bounds the graceful part. */
const STOP_DEADLINE_MS = 9000;

export async function runDaemon(opts: DaemonOptions): Promise<void> {
  const cfg = loadConfig({ file: opts.configFile });
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
  log.info({ dicomPort: gateway.dicomPort, spool: gateway.status().spool }, 'ready');

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
    gateway.stop(Math.min(5000, STOP_DEADLINE_MS - 2000)).then(
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
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
