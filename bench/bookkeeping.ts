// Forward bookkeeping benchmark (issue 4): what recording deliveries costs the spool, without any
// networking. 1000 instances of 512 KiB are stored for one destination, then marked forwarded
// (Spool.markForwarded) N per transaction, one transaction in flight, with a turn of the event loop
// between deliveries as a forward lane has; then deleted by Spool.sweep() (docs/spool.md "Deletion").
// Prints, per N, the event loop's active time and the process's CPU per instance (the rest is
// lmdb-js's writer thread), for the deliveries and for the sweep.
// A 200-instance warm-up runs first, unreported.
// Usage: node dist/bench/bookkeeping.js [BATCHES=1,4,8,16] [COUNT=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Spool, type Delivery } from '../src/spool/index.js';
import { BOOKKEEPING_BATCH } from '../src/forward/destination.js';

const batches = (process.argv[2] ?? `1,4,8,${BOOKKEEPING_BATCH}`).split(',').map(Number);
const COUNT = Number(process.argv[3] ?? 1000);
const data = Buffer.alloc(512 * 1024 + 600, 0x5a);
const TS = '1.2.840.10008.1.2.1';

async function runCase(batch: number, count = COUNT, print = true): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-bench-book-'));
  const spool = await Spool.open({ dir, maxBytes: null, log: pino({ level: 'silent' }) });
  try {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const w = spool.beginInstance({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: `2.25.${i + 1}`, transferSyntax: TS, callingAe: 'M', calledAe: 'G', peer: 'x' });
      await w.write(data);
      ids.push((await w.commit({ seriesInstanceUid: '1.2.3' }, ['pacs'])).id);
    }
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let pending: Delivery[] = [];
    let committing: Promise<unknown> = Promise.resolve();
    for (const id of ids) {
      pending.push({ id, status: 0, transferSyntax: TS });
      if (pending.length >= batch) {
        await committing;
        committing = spool.markForwarded('pacs', pending);
        pending = [];
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await committing;
    if (pending.length) await spool.markForwarded('pacs', pending);
    const wallUs = (performance.now() - t0) * 1000 / count;
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = process.cpuUsage(cpu0);
    // The sweep the spool would start SWEEP_LULL_MS later (or one already running), timed on its own.
    const sweepElu0 = performance.eventLoopUtilization();
    const sweepCpu0 = process.cpuUsage();
    await spool.sweep();
    const sweepElu = performance.eventLoopUtilization(sweepElu0);
    const sweepCpu = process.cpuUsage(sweepCpu0);
    if (spool.stats().instances !== 0) throw new Error(`${spool.stats().instances} instances left`);
    if (print) console.log(JSON.stringify({
      deliveriesPerTransaction: batch, instances: count,
      eventLoopActiveUsPerInstance: Math.round(elu.active * 1000 / count),
      processCpuUsPerInstance: Math.round((cpu.user + cpu.system) / count),
      wallUsPerInstance: Math.round(wallUs),
      sweepEventLoopActiveUsPerInstance: Math.round(sweepElu.active * 1000 / count),
      sweepProcessCpuUsPerInstance: Math.round((sweepCpu.user + sweepCpu.system) / count),
    }));
  } finally {
    await spool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runCase(BOOKKEEPING_BATCH, 200, false); // warm-up: JIT, page cache
for (const b of batches) await runCase(b);
