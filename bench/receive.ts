// Receive benchmark (docs/benchmarks.md "## Receive"): the real pacsgate daemon against DCMTK storescp
// (+B, --max-pdu 131072, TCP_NODELAY=1) on the same disk (var/bench), in the same run. storescu sends
// 1000 CT instances (512×512, 16 bit, generated once and cached in var/bench/ct-1000) over one
// association and over 4 in parallel. Prints instances/s, MB/s and each receiver's peak RSS (VmHWM).
// Each receiver first gets a warm-up send of --warmup other instances (default 200; 0 for a cold
// start), untimed: a gateway runs for months, so the figure is its steady state, JIT-compiled.
// A run during which the host stole more than --max-steal ticks of CPU (/proc/stat; other guests of
// a shared machine) is printed, discarded and repeated, up to --retries times; the last attempt is
// kept either way and marked "noisy".
// Usage: npm run bench:receive -- [--runs 3] [--count 1000] [--warmup 200] [--max-steal 50] [--retries 3]
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { writeCtStudy } from '../test/helpers/ct-study.js';
import { freePort } from '../test/peers/dcmtk.js';
import { cleanupDaemons, startDaemon } from '../test/helpers/daemon.js';
import { ROOT, run } from '../test/helpers/net.js';
import { processCpu } from './proc.js';
import { withLowSteal } from './steal.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('runs', 1);
const COUNT = arg('count', 1000);
const WARMUP = arg('warmup', 200);
const MAX_STEAL = arg('max-steal', 50);
const RETRIES = arg('retries', 3);
const BENCH = path.join(ROOT, 'var', 'bench');
const CT_DIR = path.join(BENCH, `ct-${COUNT}`);
const MiB = 1024 * 1024;

/** The cached instances (generated when absent or incomplete). */
function instances(dir = CT_DIR, count = COUNT): string[] {
  const done = path.join(dir, 'COMPLETE');
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    const t0 = Date.now();
    writeCtStudy(dir, count); // 512×512×16-bit, one series, pixels differ per instance
    closeSync(openSync(done, 'w'));
    console.log(`generated ${count} CT instances in ${dir} (${Date.now() - t0} ms)`);
  }
  return readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => path.join(dir, f));
}

/** The warm-up set: other instances (their own UIDs), so the timed send replaces nothing. */
const warmupFiles = (): string[] => (WARMUP > 0 ? instances(path.join(BENCH, `ct-warmup-${WARMUP}`), WARMUP) : []);

function vm(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) * 1024;
  } catch {
    return 0; // exited
  }
}

/** CPU seconds of `pid` including its waited-for children. */
function cpuSeconds(pid: number): number {
  const c = processCpu(pid);
  return c.own + c.children;
}

/** Children of `pid` (storescp --fork), from /proc. */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

/** storescu over `files` in `parallel` associations; resolves with the wall time in seconds. */
async function send(port: number, aec: string, files: string[], parallel: number): Promise<number> {
  const groups: string[][] = Array.from({ length: parallel }, () => []);
  files.forEach((f, i) => groups[Math.floor((i * parallel) / files.length)].push(f));
  const t0 = performance.now();
  const rs = await Promise.all(groups.map((g) => run('storescu', ['-aec', aec, '127.0.0.1', String(port), ...g], 300000)));
  const s = (performance.now() - t0) / 1000;
  for (const r of rs) if (r.code !== 0 || /^E:/m.test(r.stderr)) throw new Error(`storescu failed: ${r.stderr.slice(0, 500)}`);
  return s;
}

interface Result { receiver: string; parallel: number; seconds: number; peakRss: number; cpu: number }

async function pacsgate(files: string[], warm: string[], parallel: number): Promise<Result> {
  const spoolDir = path.join(BENCH, 'spool');
  rmSync(spoolDir, { recursive: true, force: true });
  const d = await startDaemon({ spoolDir, env: { PACSGATE_SPOOL_MAX_BYTES: String(16 * 1024 ** 3) } });
  try {
    if (warm.length) await send(d.dicomPort, 'PACSGATE', warm, parallel);
    const cpu0 = cpuSeconds(d.pid);
    const seconds = await send(d.dicomPort, 'PACSGATE', files, parallel).catch(async (err: unknown) => {
      const exit = await Promise.race([d.exited, new Promise((r) => setTimeout(() => r('still running'), 200))]);
      throw new Error(`${String(err)}\ndaemon: ${JSON.stringify(exit)}; stderr: ${d.stderr.join('\n')}\n`
        + `last log: ${d.lines.slice(-3).map((l) => JSON.stringify(l)).join('\n')}`);
    });
    const cpu = cpuSeconds(d.pid) - cpu0;
    const peakRss = d.memory().vmHwm; // throws if the daemon is gone
    const st = (await d.http('/api/status')).body as { spool: { instances: number } };
    if (st.spool.instances !== files.length + warm.length) throw new Error(`pacsgate holds ${st.spool.instances} of ${files.length + warm.length}`);
    await d.stop(); // rejects unless exit 0 within 10 s
    return { receiver: 'pacsgate', parallel, seconds, peakRss, cpu };
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) {
      this.destroy();
      r(true);
    }).once('error', () => r(false)));
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('storescp did not start');
}

async function storescp(files: string[], warm: string[], parallel: number): Promise<Result> {
  const out = path.join(BENCH, 'storescp-out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const port = await freePort();
  // --fork: one process per association, so 4 parallel associations are served in parallel too.
  const args = ['+B', '--max-pdu', '131072', '-aet', 'STORESCP', '-od', out, ...(parallel > 1 ? ['--fork'] : []), String(port)];
  const p: ChildProcess = spawn('storescp', args, { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' });
  let peakRss = 0;
  const sample = setInterval(() => {
    for (const pid of [p.pid!, ...(parallel > 1 ? children(p.pid!) : [])]) peakRss = Math.max(peakRss, vm(pid));
  }, 20);
  try {
    await listening(port);
    if (warm.length) await send(port, 'STORESCP', warm, parallel);
    await new Promise((r) => setTimeout(r, 100)); // forked children exit and are reaped (cutime)
    const cpu0 = cpuSeconds(p.pid!);
    const seconds = await send(port, 'STORESCP', files, parallel);
    await new Promise((r) => setTimeout(r, 100)); // forked children exit and are reaped (cutime)
    const cpu = cpuSeconds(p.pid!) - cpu0;
    for (const pid of [p.pid!, ...children(p.pid!)]) peakRss = Math.max(peakRss, vm(pid));
    const written = readdirSync(out).length;
    if (written !== files.length + warm.length) throw new Error(`storescp wrote ${written} of ${files.length + warm.length}`);
    return { receiver: 'storescp', parallel, seconds, peakRss, cpu };
  } finally {
    clearInterval(sample);
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const files = instances();
  const warm = warmupFiles();
  const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
  console.log(`${files.length} files, ${(bytes / 1e6).toFixed(1)} MB; ${RUNS} run(s); warm-up ${warm.length} instances each; storescu/storescp with TCP_NODELAY=1`);
  const results: Result[] = [];
  for (let r = 0; r < RUNS; r++) {
    for (const parallel of [1, 4]) {
      // alternate which receiver goes first, so neither always gets the warm page cache
      const order = (r + parallel) % 2 ? [pacsgate, storescp] : [storescp, pacsgate];
      for (const f of order) {
        results.push(await withLowSteal(() => f(files, warm, parallel), MAX_STEAL, RETRIES, (res, steal, verdict) => {
          console.log(`run ${r + 1} ${res.receiver.padEnd(8)} ${parallel} assoc: ${res.seconds.toFixed(2)} s, `
            + `${(files.length / res.seconds).toFixed(0)} inst/s, ${(bytes / 1e6 / res.seconds).toFixed(0)} MB/s, VmHWM ${(res.peakRss / MiB).toFixed(1)} MiB, CPU ${res.cpu.toFixed(2)} s, `
            + `host steal ${steal} ticks${verdict === 'kept' ? '' : ` (${verdict})`}`);
        }));
      }
    }
  }
  console.log(`\nmedians of ${RUNS} run(s):`);
  console.log('| receiver | associations | instances/s | MB/s | peak RSS (VmHWM) | receiver CPU s |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const med: Record<string, { ips: number; rss: number }> = {};
  for (const parallel of [1, 4]) {
    for (const receiver of ['pacsgate', 'storescp']) {
      const rs = results.filter((x) => x.receiver === receiver && x.parallel === parallel);
      const s = median(rs.map((x) => x.seconds));
      const rss = median(rs.map((x) => x.peakRss));
      const cpu = median(rs.map((x) => x.cpu));
      med[`${receiver}/${parallel}`] = { ips: files.length / s, rss };
      console.log(`| ${receiver} | ${parallel} | ${(files.length / s).toFixed(0)} | ${(bytes / 1e6 / s).toFixed(0)} | ${(rss / MiB).toFixed(1)} MiB | ${cpu.toFixed(2)} |`);
    }
  }
  for (const parallel of [1, 4]) {
    const a = med[`pacsgate/${parallel}`];
    const b = med[`storescp/${parallel}`];
    console.log(`ratio pacsgate/storescp, ${parallel} assoc: throughput ${(a.ips / b.ips).toFixed(2)}, peak RSS ${(a.rss / b.rss).toFixed(2)}`);
  }
}

main().then(cleanupDaemons, async (err: unknown) => {
  await cleanupDaemons();
  console.error(err);
  process.exitCode = 1;
});
