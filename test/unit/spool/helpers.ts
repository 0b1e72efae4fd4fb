// Test helpers for the spool: temp dirs, a capturing logger, deterministic data, writing one instance.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import pino from 'pino';
import type { Logger } from '../../../src/log.js';
import { Spool } from '../../../src/spool/spool.js';
import type { InstanceRecord, SpoolOptions } from '../../../src/spool/types.js';

export function tempDir(prefix = 'pg-spool-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh spool (no size limit unless `opts` sets one) for `fn`, closed and removed afterwards. */
export async function withSpool(fn: (spool: Spool) => Promise<void>, opts: Omit<Partial<SpoolOptions>, 'dir' | 'log'> = {}): Promise<void> {
  const t = tempDir();
  const spool = await Spool.open({ maxBytes: null, ...opts, dir: t.dir, log: captureLogger().log });
  try {
    await fn(spool);
  } finally {
    await spool.close();
    t.cleanup();
  }
}

export function captureLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) };
  return { log: pino({ level: 'debug' }, stream), lines };
}

/** Deterministic bytes for (seed, length): a cheap xorshift stream, different for every seed. */
export function bytesFor(seed: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export const INFO = {
  sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
  transferSyntax: '1.2.840.10008.1.2.1',
  callingAe: 'MODALITY',
  calledAe: 'PACSGATE',
  peer: '127.0.0.1',
};

/** Writes `data` through a SpoolWriter in slices of `slice` bytes, honouring back-pressure, and commits. */
export async function store(spool: Spool, uid: string, data: Buffer, destinations: string[] = [], slice = 65536):
  Promise<InstanceRecord> {
  const w = spool.beginInstance({ ...INFO, sopInstanceUid: uid });
  for (let off = 0; off < data.length; off += slice) {
    const p = w.write(data.subarray(off, Math.min(data.length, off + slice)));
    if (p) await p;
  }
  return w.commit({ studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', modality: 'OT' }, destinations);
}

export async function readAll(spool: Spool, id: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of spool.readDataset(id)) parts.push(c);
  return Buffer.concat(parts);
}
