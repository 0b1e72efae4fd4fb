// Forward benchmark (issue 4): 1000 CT 512×512 16-bit instances (512 KiB each), DCMTK storescp
// (+B, TCP_NODELAY=1) as the receiver, in the same run:
//   A. pacsgate forwarding from its spool (filled beforehand)  vs  storescu sending the same files;
//   B. storescu → pacsgate → storescp end to end                vs  storescu → storescp directly.
// Each case REPS times; prints the runs, the medians' ratio and the best-vs-best ratio as JSON lines.
// WARMUP (default 2000) other instances go first through every path, untimed, as bench/receive.ts
// does: pacsgate's forward lane is then timed after its JIT has warmed up, as in a daemon that has
// been running, and storescp has stored as many files before the timed send as pacsgate's storescp.
// 2000 because V8 (--trace-opt) still compiles the forward path that long: 30-80 ms of TurboFan per
// 250 instances up to the 2000th, on the core storescp needs, then under 15 ms (docs/benchmarks.md,
// eleventh session). WARMUP=200 is the tenth session's measure; WARMUP=0 times a freshly started
// daemon from its 'ready' line (the measure before it).
// A case during which the host stole more than MAX_STEAL ticks (bench/steal.ts) is printed with
// "discarded" and repeated, up to 3 times; the last attempt is kept either way.
// Usage: npm run bench:forward [-- REPS=3 COUNT=1000 MAX_STEAL=100 WARMUP=2000]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startDaemon, waitFor, type Daemon } from '../test/helpers/forward-daemon.js';
import { freePort, startStorescp, type StoreScp } from '../test/peers/dcmtk.js';
import { writeCtStudy, type GeneratedFile } from '../test/helpers/ct-study.js';
import { withLowSteal } from './steal.js';

const REPS = Number(process.argv[2] ?? 3);
const COUNT = Number(process.argv[3] ?? 1000);
const MAX_STEAL = Number(process.argv[4] ?? 100);
const WARMUP = Number(process.argv[5] ?? 2000);
const RETRIES = 3;
process.env.TCP_NODELAY = '1';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** DCMTK's fastest run ÷ pacsgate's fastest run. On a shared machine a slow DCMTK run can make the
 *  medians' ratio look good (docs/benchmarks.md, third session): print both. */
const best = (dcmtk: number[], pacsgate: number[]): number => +(Math.min(...dcmtk) / Math.min(...pacsgate)).toFixed(2);
const logTime = (l: Record<string, unknown>): number => Date.parse(l.time as string);

async function scp(port?: number): Promise<StoreScp> {
  return startStorescp({ aeTitle: 'BENCH', args: ['+B'], port });
}

async function stopScp(s: StoreScp): Promise<void> {
  await s.stop();
  rmSync(s.dir, { recursive: true, force: true });
}

function daemonOpts(tmp: string, port: number): Parameters<typeof startDaemon>[0] {
  return { spoolDir: path.join(tmp, 'spool'), config: { destinations: [{ name: 'pacs', aeTitle: 'BENCH', host: '127.0.0.1', port }] } };
}

const paths = (fs: GeneratedFile[]): string[] => fs.map((f) => f.path);

/**
 * storescu sending `files` (one transfer syntax, which storescu proposes by default) to `port`. Not
 * test/peers' storescuSend: that helper first reads every file's meta header in this process (0.11-0.15
 * s for 1000 files once warm, up to 0.6 s cold), which counted as storescu's time until the tenth session.
 */
async function storescu(files: GeneratedFile[], port: number, calledAe: string): Promise<void> {
  await promisify(execFile)('storescu', ['-aec', calledAe, '127.0.0.1', String(port), ...paths(files)], { maxBuffer: 64 * 1024 * 1024 });
}

/** Until the daemon has forwarded `n` instances and holds none queued. */
async function forwarded(d: Daemon, n: number): Promise<void> {
  await waitFor(`${n} forwarded`, 600_000, async () => { const x = await d.destination('pacs'); return x.queued === 0 && x.forwarded === n; }, 100);
}

/**
 * Seconds to forward the COUNT timed instances: from the 'instance forwarded' line of the last
 * warm-up instance (the lane sends in queue order; checked) or, with no warm-up, from the 'ready'
 * line, to the last 'instance forwarded' line.
 */
function forwardTime(d: Daemon, warm: GeneratedFile[]): number {
  const fwd = d.logs.filter((l) => l.msg === 'instance forwarded');
  const n = warm.length;
  if (fwd.length !== n + COUNT) throw new Error(`${fwd.length} 'instance forwarded' lines, expected ${n + COUNT}`);
  const warmUids = new Set(warm.map((f) => f.sopInstanceUid));
  if (!fwd.slice(0, n).every((l) => warmUids.has(l.sopInstanceUid as string))) throw new Error('the warm-up instances were not forwarded first');
  const start = n > 0 ? fwd[n - 1] : d.logs.find((l) => l.msg === 'ready')!;
  return (logTime(fwd[fwd.length - 1]) - logTime(start)) / 1000;
}

/** storescu sending `files` to a fresh storescp, after the warm-up set (untimed), in seconds. */
async function direct(files: GeneratedFile[], warm: GeneratedFile[]): Promise<number> {
  const s = await scp();
  try {
    if (warm.length) await storescu(warm, s.port, 'BENCH');
    const t0 = process.hrtime.bigint();
    await storescu(files, s.port, 'BENCH');
    return Number(process.hrtime.bigint() - t0) / 1e9;
  } finally {
    await stopScp(s);
  }
}

/** A: spool WARMUP + COUNT instances (destination down), restart with storescp up, time the drain. */
async function fromSpool(files: GeneratedFile[], warm: GeneratedFile[]): Promise<{ pacsgate: number; storescu: number }> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-bench-fwd-'));
  const port = await freePort();
  try {
    let d = await startDaemon(daemonOpts(tmp, port));
    if (warm.length) await storescu(warm, d.dicomPort, 'PACSGATE');
    await storescu(files, d.dicomPort, 'PACSGATE');
    await d.kill('SIGTERM');
    const s = await scp(port);
    d = await startDaemon(daemonOpts(tmp, port));
    await forwarded(d, warm.length + COUNT);
    const pacsgate = forwardTime(d, warm);
    await d.kill('SIGTERM');
    await stopScp(s);
    return { pacsgate, storescu: await direct(files, warm) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * B: storescu → pacsgate → storescp (until the last instance is forwarded) vs storescu → storescp,
 * each after the warm-up set has gone through the same path.
 */
async function endToEnd(files: GeneratedFile[], warm: GeneratedFile[]): Promise<{ viaPacsgate: number; direct: number }> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-bench-fwd-'));
  try {
    const s = await scp();
    const d = await startDaemon(daemonOpts(tmp, s.port));
    if (warm.length) {
      await storescu(warm, d.dicomPort, 'PACSGATE');
      await forwarded(d, warm.length);
    }
    const t0 = Date.now();
    await storescu(files, d.dicomPort, 'PACSGATE');
    await forwarded(d, warm.length + COUNT);
    const fwd = d.logs.filter((l) => l.msg === 'instance forwarded');
    const viaPacsgate = (logTime(fwd[fwd.length - 1]) - t0) / 1000;
    await d.kill('SIGTERM');
    await stopScp(s);
    return { viaPacsgate, direct: await direct(files, warm) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const data = mkdtempSync(path.join(tmpdir(), 'pg-bench-fwd-data-'));
try {
  const files = writeCtStudy(data, COUNT, { rows: 512, cols: 512 });
  const warm = WARMUP > 0 ? writeCtStudy(path.join(data, 'warm-up'), WARMUP, { rows: 512, cols: 512 }) : [];
  const mib = (COUNT * 512 * 1024) / (1024 * 1024);
  const a: Array<{ pacsgate: number; storescu: number }> = [];
  const b: Array<{ viaPacsgate: number; direct: number }> = [];
  const show = (rep: number, name: string) => (result: object, steal: number, verdict: string): void =>
    console.log(JSON.stringify({ rep, [name]: result, steal, ...(verdict === 'kept' ? {} : { verdict }) }));
  for (let r = 0; r < REPS; r++) {
    a.push(await withLowSteal(() => fromSpool(files, warm), MAX_STEAL, RETRIES, show(r, 'fromSpool')));
    b.push(await withLowSteal(() => endToEnd(files, warm), MAX_STEAL, RETRIES, show(r, 'endToEnd')));
  }
  const A = { pacsgate: median(a.map((x) => x.pacsgate)), storescu: median(a.map((x) => x.storescu)) };
  const B = { viaPacsgate: median(b.map((x) => x.viaPacsgate)), direct: median(b.map((x) => x.direct)) };
  console.log(JSON.stringify({
    instances: COUNT, warmUp: WARMUP, mib, reps: REPS,
    fromSpool: { pacsgateS: A.pacsgate, storescuS: A.storescu, pacsgateMiBs: +(mib / A.pacsgate).toFixed(1), storescuMiBs: +(mib / A.storescu).toFixed(1), ratio: +(A.storescu / A.pacsgate).toFixed(2),
      bestRatio: best(a.map((x) => x.storescu), a.map((x) => x.pacsgate)) },
    endToEnd: { viaPacsgateS: B.viaPacsgate, directS: B.direct, ratio: +(B.direct / B.viaPacsgate).toFixed(2),
      bestRatio: best(b.map((x) => x.direct), b.map((x) => x.viaPacsgate)) },
  }));
} finally {
  rmSync(data, { recursive: true, force: true });
}
