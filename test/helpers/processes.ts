// Test helpers for real processes on loopback: a free port, the pacsgate daemon as a child process
// (ports read from its 'dicom listening' / 'http listening' log lines), and DCMTK storescp.
import { spawn, type ChildProcess } from 'node:child_process';
import net, { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './testdata.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface RunningDaemon {
  proc: ChildProcess;
  dicomPort: number;
  httpPort: number;
  spoolDir: string;
  lines: Array<Record<string, unknown>>;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node bin/pacsgate.js` with a temp spool and free ports; extra env on top. */
export async function startDaemon(env: Record<string, string> = {}, timeoutMs = 15_000): Promise<RunningDaemon> {
  const spoolDir = env.PACSGATE_SPOOL_DIR ?? mkdtempSync(path.join(tmpdir(), 'pg-daemon-'));
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'pacsgate.js')], {
    cwd: ROOT,
    env: { ...process.env, PACSGATE_DICOM_PORT: '0', PACSGATE_HTTP_PORT: '0', PACSGATE_HTTP_HOST: '127.0.0.1', PACSGATE_DICOM_HOST: '127.0.0.1', PACSGATE_SPOOL_DIR: spoolDir, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let dicomPort = 0;
  let httpPort = 0;
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('daemon did not start in time')), timeoutMs);
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      let o: Record<string, unknown>;
      try { o = JSON.parse(l) as Record<string, unknown>; } catch { return; }
      lines.push(o);
      if (o.msg === 'dicom listening') dicomPort = o.port as number;
      if (o.msg === 'http listening') httpPort = o.port as number;
      if (o.msg === 'ready') { clearTimeout(t); resolve(); }
    });
    void exited.then((code) => { clearTimeout(t); reject(new Error(`daemon exited with ${code} before ready`)); });
  });
  return {
    proc, dicomPort, httpPort, spoolDir, lines,
    stop: () => { proc.kill('SIGTERM'); return exited; },
  };
}

export interface RunningStorescp { proc: ChildProcess; port: number; dir: string; stop(): Promise<void> }

/** DCMTK storescp writing received files (+B: streamed to disk) into a temp directory. */
export async function startStorescp(aeTitle: string, extraArgs: string[] = []): Promise<RunningStorescp> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-storescp-'));
  const proc = spawn('storescp', ['-aet', aeTitle, '+B', '-od', dir, ...extraArgs, String(port)], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' });
  // storescp logs nothing on start: wait until the port accepts connections.
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return { proc, port, dir, stop: () => { proc.kill('SIGTERM'); return exited; } };
}

