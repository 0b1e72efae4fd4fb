// Forward benchmark (issue 4): 1000 CT 512×512 16-bit instances (512 KiB each), DCMTK storescp
// (+B, TCP_NODELAY=1) as the receiver, in the same run:
//   A. pacsgate forwarding from its spool (filled beforehand)  vs  storescu sending the same files;
//   B. storescu → pacsgate → storescp end to end                vs  storescu → storescp directly.
// Each case REPS times; prints the runs, the medians' ratio and the best-vs-best ratio as JSON lines.
// A case during which the host stole more than MAX_STEAL ticks (bench/steal.ts) is printed with
// "discarded" and repeated, up to 3 times; the last attempt is kept either way.
// Usage: npm run bench:forward [-- REPS=3 COUNT=1000 MAX_STEAL=100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDaemon, waitFor, type Daemon } from '../test/helpers/forward-daemon.js';
import { freePort, startStorescp, storescuSend, type StoreScp } from '../test/peers/dcmtk.js';
import { writeCtStudy, type GeneratedFile } from '../test/helpers/ct-study.js';
import { withLowSteal } from './steal.js';

const REPS = Number(process.argv[2] ?? 3);
const COUNT = Number(process.argv[3] ?? 1000);
const MAX_STEAL = Number(process.argv[4] ?? 100);
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

/** Seconds from the daemon's 'ready' line to its last 'instance forwarded' line. */
async function forwardTime(d: Daemon): Promise<number> {
  await waitFor('all forwarded', 600_000, async () => { const x = await d.destination('pacs'); return x.queued === 0 && x.forwarded === COUNT; }, 100);
  const ready = d.logs.find((l) => l.msg === 'ready')!;
  const fwd = d.logs.filter((l) => l.msg === 'instance forwarded');
  return (logTime(fwd[fwd.length - 1]) - logTime(ready)) / 1000;
}

/** A: spool COUNT instances (destination down), restart with storescp up, time the drain. */
async function fromSpool(files: GeneratedFile[]): Promise<{ pacsgate: number; storescu: number }> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-bench-fwd-'));
  const port = await freePort();
  try {
    let d = await startDaemon(daemonOpts(tmp, port));
    await storescuSend(files.map((f) => f.path), d.dicomPort, 'PACSGATE');
    await d.kill('SIGTERM');
    const s = await scp(port);
    d = await startDaemon(daemonOpts(tmp, port));
    const pacsgate = await forwardTime(d);
    await d.kill('SIGTERM');
    await stopScp(s);
    const s2 = await scp();
    const t0 = process.hrtime.bigint();
    await storescuSend(files.map((f) => f.path), s2.port, 'BENCH');
    const storescu = Number(process.hrtime.bigint() - t0) / 1e9;
    await stopScp(s2);
    return { pacsgate, storescu };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** B: storescu → pacsgate → storescp (until the last instance is forwarded) vs storescu → storescp. */
async function endToEnd(files: GeneratedFile[]): Promise<{ viaPacsgate: number; direct: number }> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-bench-fwd-'));
  try {
    const s = await scp();
    const d = await startDaemon(daemonOpts(tmp, s.port));
    const t0 = Date.now();
    await storescuSend(files.map((f) => f.path), d.dicomPort, 'PACSGATE');
    await waitFor('all forwarded', 600_000, async () => { const x = await d.destination('pacs'); return x.queued === 0 && x.forwarded === COUNT; }, 100);
    const fwd = d.logs.filter((l) => l.msg === 'instance forwarded');
    const viaPacsgate = (logTime(fwd[fwd.length - 1]) - t0) / 1000;
    await d.kill('SIGTERM');
    await stopScp(s);
    const s2 = await scp();
    const t1 = process.hrtime.bigint();
    await storescuSend(files.map((f) => f.path), s2.port, 'BENCH');
    const direct = Number(process.hrtime.bigint() - t1) / 1e9;
    await stopScp(s2);
    return { viaPacsgate, direct };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const data = mkdtempSync(path.join(tmpdir(), 'pg-bench-fwd-data-'));
try {
  const files = writeCtStudy(data, COUNT, { rows: 512, cols: 512 });
  const mib = (COUNT * 512 * 1024) / (1024 * 1024);
  const a: Array<{ pacsgate: number; storescu: number }> = [];
  const b: Array<{ viaPacsgate: number; direct: number }> = [];
  const show = (rep: number, name: string) => (result: object, steal: number, verdict: string): void =>
    console.log(JSON.stringify({ rep, [name]: result, steal, ...(verdict === 'kept' ? {} : { verdict }) }));
  for (let r = 0; r < REPS; r++) {
    a.push(await withLowSteal(() => fromSpool(files), MAX_STEAL, RETRIES, show(r, 'fromSpool')));
    b.push(await withLowSteal(() => endToEnd(files), MAX_STEAL, RETRIES, show(r, 'endToEnd')));
  }
  const A = { pacsgate: median(a.map((x) => x.pacsgate)), storescu: median(a.map((x) => x.storescu)) };
  const B = { viaPacsgate: median(b.map((x) => x.viaPacsgate)), direct: median(b.map((x) => x.direct)) };
  console.log(JSON.stringify({
    instances: COUNT, mib, reps: REPS,
    fromSpool: { pacsgateS: A.pacsgate, storescuS: A.storescu, pacsgateMiBs: +(mib / A.pacsgate).toFixed(1), storescuMiBs: +(mib / A.storescu).toFixed(1), ratio: +(A.storescu / A.pacsgate).toFixed(2),
      bestRatio: best(a.map((x) => x.storescu), a.map((x) => x.pacsgate)) },
    endToEnd: { viaPacsgateS: B.viaPacsgate, directS: B.direct, ratio: +(B.direct / B.viaPacsgate).toFixed(2),
      bestRatio: best(b.map((x) => x.direct), b.map((x) => x.viaPacsgate)) },
  }));
} finally {
  rmSync(data, { recursive: true, force: true });
}
