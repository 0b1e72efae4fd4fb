// Entry of the daemon: config → logger → gateway (spool, DICOM listener, forwarder) → signals.
// Wires layers together; holds no protocol logic of its own.
import { loadConfig } from './config/load.js';
import { createLogger, type RootLogger } from './log.js';
import { VERSION } from './version.js';
import { Gateway } from './gateway.js';
import type { Config } from './config/types.js';
import path from 'node:path';
import { accessSync, constants, existsSync } from 'node:fs';
import { configFiles } from './config/files.js';
import { createBackend, RecentList } from './backend.js';
import { startHttpServer } from './web/server.js';
import { httpOptionsFromConfig } from './web/options.js';
import type { HttpServerHandle } from './web/types.js';
import { createSystemdNotifier } from './system/systemd.js';

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

const SPOOL_OPEN_EXTEND_USEC = 120_000_000;
const STATUS_INTERVAL_MS = 10_000;

/** One line for `systemctl status` (STATUS=): counts only, no patient data. */
function statusLine(gw: Gateway): string {
  const s = gw.status();
  const queued = s.destinations.reduce((n, d) => n + d.queued, 0);
  return `DICOM ${s.aeTitle}:${s.dicomPort}; received ${s.received.instances}, spool ${s.spool.instances} instances, ${queued} queued`;
}

/** Whether the daemon can replace `file` (write a temp file beside it and rename). */
function writable(file: string): boolean {
  try {
    accessSync(path.dirname(file), constants.W_OK);
    accessSync(file, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** CONTRACT.md: SIGTERM/SIGINT stop within 10 s; this bounds the graceful part. */
const STOP_DEADLINE_MS = 9000;

export async function runDaemon(opts: DaemonOptions): Promise<void> {
  // Signals first: a SIGTERM during start-up or right after READY=1 must still end in a clean stop,
  // never the default action (which would kill us mid-commit with exit code null).
  let requested: string | null = null;
  let onSignal: (signal: string) => void = (signal) => {
    requested ??= signal;
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  let cfg = loadConfig({ file: opts.configFile });
  // Settings saved from the web page: see config/files.ts.
  const files = configFiles(cfg.source.file, cfg.spool.dir, writable, existsSync);
  if (files.load) cfg = loadConfig({ file: files.load });
  const webConfigFile = files.save;
  const root: RootLogger = createLogger(cfg.log.level);
  const log = root.logger;
  log.info({ version: VERSION, node: process.version, settings: settingsSummary(cfg) }, 'starting');
  const systemd = createSystemdNotifier(process.env, log.child({ layer: 'systemd' }));
  // Opening the spool runs crash recovery; ask systemd for time should it be long (sd_notify(3)).
  systemd.extendTimeout(SPOOL_OPEN_EXTEND_USEC);
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
    http = await startHttpServer(httpOptionsFromConfig(cfg, { log: log.child({ layer: 'http' }), backend: createBackend(gateway, recent, log), stateDir, configFile: webConfigFile }));
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await gateway.stop(0);
    root.flush();
    process.exitCode = 1;
    return;
  }
  log.info({ dicomPort: gateway.dicomPort, httpPort: http.port, spool: gateway.status().spool }, 'ready');
  const stopWatchdog = systemd.startWatchdog();
  systemd.ready(statusLine(gateway));
  const statusTimer = setInterval(() => systemd.status(statusLine(gateway)), STATUS_INTERVAL_MS);
  statusTimer.unref();

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    systemd.stopping();
    clearInterval(statusTimer);
    stopWatchdog();
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
  if (requested) shutdown(requested);
}
