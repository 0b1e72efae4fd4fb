// Spool benchmark (brief: group commit). N concurrent writers each commit 512 KiB instances in 64 KiB
// writes (PDV-sized), every commit awaited until durable (fdatasync'd). Prints commits/s, MB/s,
// LMDB transactions per commit and commit latency; then the cost of SHA-256 alone for comparison.
// Usage: node dist/bench/spool.js [SECONDS_PER_CASE=6] [WRITERS=1,4,16]
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Spool } from '../src/spool/index.js';

const seconds = Number(process.argv[2] ?? 6);
const cases = (process.argv[3] ?? '1,4,16').split(',').map(Number);
const SIZE = 512 * 1024;
const SLICE = 64 * 1024;
const data = randomBytes(SIZE);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

async function runCase(writers: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-bench-spool-'));
  const spool = await Spool.open({ dir, maxBytes: null, log: pino({ level: 'silent' }) });
  const txn0 = (spool.dbs.root.getStats() as { lastTxnId: number }).lastTxnId;
  const latencies: number[] = [];
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    while (Date.now() < end) {
      const writer = spool.beginInstance({
        sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: `2.25.${w}.${n++}`,
        transferSyntax: '1.2.840.10008.1.2.1', callingAe: 'BENCH', calledAe: 'PACSGATE', peer: '127.0.0.1',
      });
      for (let off = 0; off < SIZE; off += SLICE) await writer.write(data.subarray(off, off + SLICE));
      const c0 = process.hrtime.bigint();
      await writer.commit({}, ['A']);
      latencies.push(Number(process.hrtime.bigint() - c0) / 1e6);
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const txns = (spool.dbs.root.getStats() as { lastTxnId: number }).lastTxnId - txn0;
  await spool.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const commits = latencies.length;
  console.log(`writers=${String(writers).padStart(2)}  commits/s=${(commits / secs).toFixed(1).padStart(7)}  `
    + `MB/s=${(commits * SIZE / 1e6 / secs).toFixed(1).padStart(6)}  txns/commit=${(txns / commits).toFixed(2)}  `
    + `commit latency ms p50=${pct(latencies, 0.5).toFixed(1)} p99=${pct(latencies, 0.99).toFixed(1)}  (n=${commits})`);
}

function hashCost(): void {
  const total = 512 * 1024 * 1024;
  const t0 = process.hrtime.bigint();
  const h = createHash('sha256');
  for (let off = 0; off < total; off += SLICE) h.update(data.subarray(off % SIZE, (off % SIZE) + SLICE));
  h.digest();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`sha256 alone: ${(total / 1e6 / secs).toFixed(0)} MB/s (${(secs * 1e3 / (total / SIZE)).toFixed(2)} ms per 512 KiB instance)`);
}

console.log(`spool bench: 512 KiB instances, ${seconds} s per case, durable commits (shared machine: figures are indicative)`);
for (const w of cases) await runCase(w);
hashCost();
