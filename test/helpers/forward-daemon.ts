// Test helper: runs the real daemon (`node bin/pacsgate.js`) in a child process on free ports with its
// own spool and config file, reads the bound ports from its JSON log, and talks to its HTTP API.
// Named forward-daemon.ts to stay apart from test/helpers/daemon.ts (issue 3).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './testdata.js';

export interface DestinationStatusJson {
  name: string; queued: number; forwarded: number; failed: number; deadLetter: number; state: string;
  lastError: string | null; oldestQueuedAgeSeconds: number | null; connectAttempts: number;
}
export interface StatusJson {
  spool: { bytesUsed: number; instances: number };
  received: { instances: number; bytes: number; failed: number };
  destinations: DestinationStatusJson[];
}
export interface DeadLetterJson {
  id: number; destination: string; sopClassUid: string; sopInstanceUid: string; lastStatus: number | null; lastError: string; attempts: number;
}

export interface Daemon {
  child: ChildProcess;
  pid: number;
  dicomPort: number;
  httpPort: number;
  /** Log lines (parsed JSON) seen so far. */
  logs: Array<Record<string, unknown>>;
  /** The last 10 kB of stderr, and how the process ended (null while it runs). */
  stderr(): string;
  exitInfo(): { code: number | null; signal: NodeJS.Signals | null } | null;
  status(): Promise<StatusJson>;
  destination(name: string): Promise<DestinationStatusJson>;
  /** JSON request with the CSRF token for mutating methods. */
  api<T = unknown>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Peak RSS (VmHWM) and current RSS in bytes, from /proc/PID/status. */
  memory(): { VmHWM: number; VmRSS: number; RssAnon: number; RssFile: number };
  kill(signal?: NodeJS.Signals): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface DaemonOptions {
  spoolDir: string;
  /** Written to <spoolDir>/../<name>.json and passed as PACSGATE_CONFIG. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  logLevel?: string;
  /** Keep every log line (default true; the bench turns it off). */
  keepLogs?: boolean;
}

const BIN = path.join(ROOT, 'bin', 'pacsgate.js');

/** Starts the daemon and resolves once it logged 'ready' (DICOM and HTTP ports bound). */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const env: Record<string, string> = {
    ...process.env as Record<string, string>,
    PACSGATE_DICOM_HOST: '127.0.0.1', PACSGATE_DICOM_PORT: '0', PACSGATE_HTTP_HOST: '127.0.0.1', PACSGATE_HTTP_PORT: '0',
    PACSGATE_SPOOL_DIR: opts.spoolDir, PACSGATE_LOG_LEVEL: opts.logLevel ?? 'info', ...opts.env,
  };
  delete env.PACSGATE_DESTINATION;
  if (opts.env?.PACSGATE_DESTINATION) env.PACSGATE_DESTINATION = opts.env.PACSGATE_DESTINATION;
  if (opts.config) {
    const file = `${opts.spoolDir.replace(/\/+$/, '')}.config.json`;
    writeFileSync(file, JSON.stringify(opts.config, null, 2));
    env.PACSGATE_CONFIG = file;
  }
  const child = spawn(process.execPath, [BIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Daemon['logs'] = [];
  const keep = opts.keepLogs ?? true;
  let stderr = '';
  let dicomPort = 0;
  let httpPort = 0;
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => { readyResolve = r; });
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (s: string) => {
    buf += s;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let j: Record<string, unknown>;
      try { j = JSON.parse(line) as Record<string, unknown>; } catch { continue; }
      if (keep || j.level as number >= 40) logs.push(j);
      if (j.msg === 'dicom listening') dicomPort = j.port as number;
      if (j.msg === 'http listening') httpPort = j.port as number;
      if (j.msg === 'ready') readyResolve();
    }
  });
  child.stderr!.on('data', (b: Buffer) => { stderr = (stderr + b.toString('utf8')).slice(-10_000); });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => {
    exitInfo = { code, signal };
    resolve(exitInfo);
  }));
  const failed = exited.then(({ code, signal }) => { throw new Error(`daemon exited (${code ?? signal}) before ready: ${stderr} ${JSON.stringify(logs.slice(-5))}`); });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('daemon not ready within 30 s')), 30_000).unref());
  await Promise.race([ready, failed, timeout]);
  failed.catch(() => undefined);

  const base = `http://127.0.0.1:${httpPort}`;
  let csrf: string | null = null;
  const api = async <T>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const headers: Record<string, string> = {};
    if (method !== 'GET') {
      if (csrf === null) {
        const s = await (await fetch(`${base}/api/session`)).json() as { csrfToken: string | null };
        csrf = s.csrfToken;
      }
      if (csrf) headers['x-csrf-token'] = csrf;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const status = async (): Promise<StatusJson> => {
    const r = await api<StatusJson>('GET', '/api/status').catch((e: Error) => {
      throw new Error(`/api/status: ${e.message}; daemon exit ${JSON.stringify(exitInfo)}; stderr ${stderr.slice(-2000)}; last log ${JSON.stringify(logs.slice(-3))}`);
    });
    if (r.status !== 200) throw new Error(`/api/status ${r.status}`);
    return r.body;
  };
  return {
    child, pid: child.pid!, dicomPort, httpPort, logs, api, status, exited,
    stderr: () => stderr,
    exitInfo: () => exitInfo,
    async destination(name) {
      const d = (await status()).destinations.find((x) => x.name === name);
      if (!d) throw new Error(`no destination ${name} in /api/status`);
      return d;
    },
    memory() {
      const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) * 1024;
      return { VmHWM: kb('VmHWM'), VmRSS: kb('VmRSS'), RssAnon: kb('RssAnon'), RssFile: kb('RssFile') };
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Polls `check` every `everyMs` until it returns a truthy value or `ms` passes (then throws `what`). */
export async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, everyMs = 250): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
