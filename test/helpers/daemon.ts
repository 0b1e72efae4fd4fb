// Test helper: the real daemon (bin/pacsgate.js) as a child process on loopback with a temp spool.
// Reads the bound ports from its JSON log lines ('dicom listening' / 'http listening', field `port`;
// then waits for 'ready'),
// keeps every stdout line, and measures its memory from /proc/<pid>/status. Never a stub of the daemon.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { ROOT } from './net.js';

export interface LogLine {
  level: number | string;
  msg: string;
  [key: string]: unknown;
}

export interface DaemonOptions {
  /** Spool directory to use (kept across restarts); default: a new temp directory removed by cleanup(). */
  spoolDir?: string;
  /** Extra environment (PACSGATE_SPOOL_MAX_BYTES, PACSGATE_LOG_LEVEL …). */
  env?: Record<string, string>;
  /** A JSON config file is written and passed as PACSGATE_CONFIG (dicom limits have no env variable). */
  config?: Record<string, unknown>;
  startTimeoutMs?: number;
}

export interface Daemon {
  readonly pid: number;
  readonly dicomPort: number;
  readonly httpPort: number;
  readonly spoolDir: string;
  /** Every stdout line so far, parsed (non-JSON lines are kept as {msg: '<raw>'}). */
  readonly lines: LogLine[];
  readonly stderr: string[];
  /** Peak resident set size (VmHWM) and current RSS of the daemon process, in bytes. */
  memory(): { vmHwm: number; vmRss: number };
  /** GET on the daemon's HTTP port: status code and parsed JSON (or text). */
  http(pathname: string): Promise<{ status: number; body: unknown }>;
  /**
   * SIGTERM; resolves with exit code, signal and how long it took (never waits past 15 s). Rejects
   * unless the daemon exited 0 within 10 s (CONTRACT.md "Signals"); `{ check: false }` only reports.
   */
  stop(opts?: { check?: boolean }): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** SIGKILL; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** Calls `listener` for every future log line, as it arrives; returns the unsubscribe function. */
  onLine(listener: (l: LogLine) => void): () => void;
  /** Resolves with the first log line matching `pred` (already seen or future); rejects after timeoutMs. */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const BIN = path.join(ROOT, 'bin', 'pacsgate.js');
/** CONTRACT.md: SIGTERM → exit 0 within 10 s. */
export const STOP_LIMIT_MS = 10000;
const live = new Set<ChildProcess>();
const temps: string[] = [];

/** A temp directory removed by cleanupDaemons(). */
export function tempDir(prefix = 'pg-it-'): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

function procStatus(pid: number): { vmHwm: number; vmRss: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) * 1024;
  return { vmHwm: kb('VmHWM'), vmRss: kb('VmRSS') };
}

function parseLine(raw: string): LogLine {
  try {
    const v = JSON.parse(raw) as LogLine;
    if (v && typeof v === 'object' && typeof v.msg === 'string') return v;
  } catch {
    // a non-JSON line is kept as text
  }
  return { level: 0, msg: raw };
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  const spoolDir = opts.spoolDir ?? path.join(tempDir('pg-daemon-'), 'spool');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PACSGATE_DICOM_HOST: '127.0.0.1', PACSGATE_DICOM_PORT: '0',
    PACSGATE_HTTP_HOST: '127.0.0.1', PACSGATE_HTTP_PORT: '0',
    PACSGATE_SPOOL_DIR: spoolDir, PACSGATE_SPOOL_MAX_BYTES: String(8 * 1024 ** 3),
    PACSGATE_LOG_LEVEL: 'info',
    ...opts.env,
  };
  delete env.PACSGATE_CONFIG;
  delete env.PACSGATE_DESTINATION;
  delete env.NOTIFY_SOCKET;
  if (opts.config) {
    const file = path.join(tempDir('pg-cfg-'), 'config.json');
    writeFileSync(file, JSON.stringify(opts.config));
    env.PACSGATE_CONFIG = file;
  }
  const child = spawn(process.execPath, [BIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  const waiters = new Set<(l: LogLine) => void>();
  readline.createInterface({ input: child.stdout! }).on('line', (raw) => {
    const l = parseLine(raw);
    lines.push(l);
    for (const w of [...waiters]) w(l);
  });
  readline.createInterface({ input: child.stderr! }).on('line', (raw) => stderr.push(raw));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });

  const waitFor = (pred: (l: LogLine) => boolean, timeoutMs = 15000): Promise<LogLine> => {
    const seen = lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = (l: LogLine): void => {
        if (!pred(l)) return;
        cleanup();
        resolve(l);
      };
      const t = setTimeout(() => {
        cleanup();
        reject(new Error(`daemon log line not seen within ${timeoutMs} ms; stderr: ${stderr.join('\n')}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(t);
        waiters.delete(w);
      };
      waiters.add(w);
      void exited.then(({ code, signal }) => {
        if (!waiters.has(w)) return;
        cleanup();
        reject(new Error(`daemon exited (code ${code}, signal ${signal}) before the log line; stderr: ${stderr.join('\n')}`));
      });
    });
  };

  const timeout = opts.startTimeoutMs ?? 20000;
  const [dicom, web] = await Promise.all([
    waitFor((l) => l.msg === 'dicom listening', timeout),
    waitFor((l) => l.msg === 'http listening', timeout),
    // main.ts installs its SIGTERM handler after 'ready'; a SIGTERM before it kills the process by signal
    waitFor((l) => l.msg === 'ready', timeout),
  ]);
  const httpPort = web.port as number;
  const pid = child.pid!;

  return {
    pid, dicomPort: dicom.port as number, httpPort, spoolDir, lines, stderr, exited, waitFor,
    onLine(listener) {
      waiters.add(listener);
      return () => waiters.delete(listener);
    },
    memory: () => procStatus(pid),
    async http(pathname) {
      const res = await fetch(`http://127.0.0.1:${httpPort}${pathname}`);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON (the page, /metrics)
      }
      return { status: res.status, body };
    },
    async stop(o = {}) {
      const t0 = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 15000);
      const r = await exited;
      clearTimeout(hard);
      const ms = Date.now() - t0;
      if (o.check !== false && (r.code !== 0 || ms >= STOP_LIMIT_MS)) {
        throw new Error(`daemon stop: exit code ${r.code}, signal ${r.signal}, after ${ms} ms (want 0 within ${STOP_LIMIT_MS} ms); `
          + `stderr: ${stderr.join('\n')}`);
      }
      return { ...r, ms };
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** For after(): SIGKILLs every daemon still running and removes the temp directories. */
export async function cleanupDaemons(): Promise<void> {
  await Promise.all([...live].map((c) => new Promise<void>((resolve) => {
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  })));
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}
