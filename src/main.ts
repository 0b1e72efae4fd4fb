// Entry of the daemon: config → logger → spool → listeners → signals. Wires layers together and
// injects handlers; holds no protocol logic of its own.
import { loadConfig } from './config/load.js';
import { createLogger, type RootLogger } from './log.js';
import { VERSION } from './version.js';
import { createSystemdNotifier } from './system/systemd.js';
import type { Config } from './config/types.js';

export interface DaemonOptions {
  configFile?: string;
}

/** Effective settings for the start-up log line: everything but secrets (there are none yet). */
function settingsSummary(cfg: Config): Record<string, unknown> {
  return {
    configFile: cfg.source.file,
    aeTitle: cfg.aeTitle,
    dicom: cfg.dicom,
    http: cfg.http,
    spool: cfg.spool,
    destinations: cfg.destinations.map((d) => ({ name: d.name, aeTitle: d.aeTitle, host: d.host, port: d.port })),
    routes: cfg.routes.length,
  };
}

export async function runDaemon(opts: DaemonOptions): Promise<void> {
  const cfg = loadConfig({ file: opts.configFile });
  const root: RootLogger = createLogger(cfg.log.level);
  const log = root.logger;
  log.info({ version: VERSION, node: process.version, settings: settingsSummary(cfg) }, 'starting');

  const systemd = createSystemdNotifier(process.env, log.child({ mod: 'systemd' }));
  let stopWatchdog = (): void => {};
  let stopping = false;
  const keepAlive = setInterval(() => {}, 1 << 30);
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    systemd.stopping();
    stopWatchdog();
    clearInterval(keepAlive);
    log.info('stopped');
    root.flush();
    process.exitCode = 0;
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  log.info('ready');
  stopWatchdog = systemd.startWatchdog();
  systemd.ready(`${cfg.aeTitle} ready, DICOM port ${cfg.dicom.port}`);
}
