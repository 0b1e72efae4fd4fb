// Benchmark: cold start of the daemon to READY=1 (sd_notify), median of N runs, empty spool each run.
// Listens on its own NOTIFY_SOCKET (python3 peer, test/peers/notify-socket.py) and times spawn → READY=1,
// then SIGTERM → exit. Not part of `npm test`. Usage (after npm run build:ts):
//   node dist/bench/coldstart.js [--runs 10] [--limit-ms 1000] [--node PATH] [--entry PATH/bin/pacsgate.js]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    'limit-ms': { type: 'string', default: '1000' },
    node: { type: 'string', default: process.execPath },
    entry: { type: 'string', default: path.join(root, 'bin', 'pacsgate.js') },
  },
});

type Listener = (msg: string) => void;

async function startReceiver(addr: string): Promise<{ on(l: Listener): void; close(): void }> {
  const child = spawn('python3', [path.join(root, 'test', 'peers', 'notify-socket.py'), addr]);
  let listener: Listener = () => {};
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`notify receiver exited ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const ev = JSON.parse(line) as { bound?: string; msg?: string };
      if (ev.bound) resolve();
      if (ev.msg !== undefined) listener(ev.msg);
    });
  });
  return { on: (l) => void (listener = l), close: () => void child.kill() };
}

/** One run: ms from spawn to READY=1; also checks STOPPING=1 and exit code 0 after SIGTERM. */
async function oneRun(rx: Awaited<ReturnType<typeof startReceiver>>, addr: string): Promise<number> {
  const spool = mkdtempSync(path.join(tmpdir(), 'pacsgate-coldstart-'));
  try {
    const seen: string[] = [];
    let readyAt = 0;
    const ready = new Promise<void>((resolve) =>
      rx.on((msg) => {
        seen.push(msg);
        if (msg.split('\n').includes('READY=1') && !readyAt) ((readyAt = performance.now()), resolve());
      }),
    );
    const t0 = performance.now();
    const child = spawn(opts.node, [opts.entry], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH, NOTIFY_SOCKET: addr, PACSGATE_SPOOL_DIR: spool,
        PACSGATE_DICOM_PORT: '0', PACSGATE_HTTP_PORT: '0', PACSGATE_DICOM_HOST: '127.0.0.1',
      },
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no READY=1 within 10 s')), 10_000).unref());
    await Promise.race([ready, timeout, exited.then((c) => Promise.reject(new Error(`daemon exited ${c} before READY=1`)))]);
    child.kill('SIGTERM');
    const code = await exited;
    await new Promise((r) => setTimeout(r, 20)); // let the receiver print STOPPING=1
    if (code !== 0) throw new Error(`exit code ${code} after SIGTERM`);
    if (!seen.includes('STOPPING=1')) throw new Error(`no STOPPING=1 (saw ${JSON.stringify(seen)})`);
    return readyAt - t0;
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }
}

const addr = `@pacsgate-coldstart-${process.pid}`;
const rx = await startReceiver(addr);
const runs = Number(opts.runs);
const times: number[] = [];
try {
  for (let i = 0; i < runs; i++) times.push(await oneRun(rx, addr));
} finally {
  rx.close();
}
const sorted = [...times].sort((a, b) => a - b);
const median = runs % 2 ? sorted[(runs - 1) / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
const fmt = (n: number): string => n.toFixed(1);
process.stdout.write(
  `coldstart spawn→READY=1 over ${runs} runs (${opts.node} ${opts.entry}):\n` +
    `  runs ms: ${times.map(fmt).join(' ')}\n  median ${fmt(median)} ms, min ${fmt(sorted[0])}, max ${fmt(sorted[runs - 1])}\n`,
);
const limit = Number(opts['limit-ms']);
if (median >= limit) {
  process.stdout.write(`  FAIL: median ${fmt(median)} ms >= ${limit} ms\n`);
  process.exitCode = 1;
}
