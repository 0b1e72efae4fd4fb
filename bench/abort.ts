// Abort benchmark (issue 3, docs/spool.md "Memory"): what aborting a large partial instance costs the
// other writers. Writes GIB GiB of one instance in 256 KiB writes, aborts it, and at the same moment
// commits a small instance as another association would. Prints how long the abort and then the
// purge of its chunks took, how long the small commit waited, and the process's peak anonymous memory
// around the abort (sampled every 2 ms). No networking.
// Usage: node dist/bench/abort.js [GIB=1] [REPS=2]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Spool } from '../src/spool/index.js';

const GIB = Number(process.argv[2] ?? 1);
const REPS = Number(process.argv[3] ?? 2);
const INFO = { sopClassUid: '1.2.840.10008.5.1.4.1.1.7.3', transferSyntax: '1.2.840.10008.1.2.1', callingAe: 'M', calledAe: 'G', peer: 'x' };

function rssAnonMiB(): number {
  const m = /RssAnon:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function once(rep: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-bench-abort-'));
  const spool = await Spool.open({ dir, maxBytes: null, log: pino({ level: 'silent' }) });
  try {
    const big = spool.beginInstance({ ...INFO, sopInstanceUid: `2.25.${rep}1` });
    const piece = Buffer.alloc(256 * 1024, 7);
    for (let i = 0; i < GIB * 4096; i++) {
      const p = big.write(piece);
      if (p) await p;
    }
    const base = rssAnonMiB();
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, rssAnonMiB())), 2);
    const t0 = performance.now();
    const aborting = big.abort();
    const small = spool.beginInstance({ ...INFO, sopInstanceUid: `2.25.${rep}2` });
    await small.write(Buffer.alloc(1000, 1));
    const c0 = performance.now();
    await small.commit({}, []);
    const commitMs = performance.now() - c0;
    await aborting;
    const abortMs = performance.now() - t0;
    await spool.purge();
    const purgedMs = performance.now() - t0;
    clearInterval(sampler);
    console.log(`${GIB} GiB partial: abort ${abortMs.toFixed(0)} ms, chunks purged after ${purgedMs.toFixed(0)} ms; ` +
      `a small commit meanwhile waited ${commitMs.toFixed(1)} ms; RssAnon ${base.toFixed(1)} → peak ${peak.toFixed(1)} MiB`);
  } finally {
    await spool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (let rep = 1; rep <= REPS; rep++) await once(rep);
