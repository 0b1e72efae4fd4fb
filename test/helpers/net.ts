// Test helpers for the network layer: a silent logger, a policy, a hashing StoreSink, Part-10 slicing,
// and running DCMTK tools (which must exist: a missing peer fails the test, it does not skip).
import { createHash } from 'node:crypto';
import { crc32c } from '../../src/native/binding.js';
import { crc32cDigestString } from '../../src/spool/digest.js';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Logger } from '../../src/log.js';
import type { ScpPolicy, StoreRequest, StoreSink } from '../../src/net/types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TESTDATA = path.resolve(ROOT, '..', 'shared', 'testdata');

export function silentLog(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

export const TS = {
  IMPLICIT_LE: '1.2.840.10008.1.2',
  EXPLICIT_LE: '1.2.840.10008.1.2.1',
  DEFLATED: '1.2.840.10008.1.2.1.99',
  EXPLICIT_BE: '1.2.840.10008.1.2.2',
  JPEG_LOSSLESS_14: '1.2.840.10008.1.2.4.57',
  JPEG_LOSSLESS_SV1: '1.2.840.10008.1.2.4.70',
  RLE: '1.2.840.10008.1.2.5',
} as const;

export function testPolicy(over: Partial<ScpPolicy> = {}): ScpPolicy {
  return {
    aeTitle: 'PACSGATE',
    calledAeCheck: 'any',
    allow: [],
    maxAssociations: 16,
    maxAssociationsPerAe: 16,
    maxPduLength: 262144,
    idleTimeoutSeconds: 30,
    artimTimeoutSeconds: 5,
    isAcceptableAbstractSyntax: () => true,
    transferSyntaxPreference: [TS.EXPLICIT_LE, TS.IMPLICIT_LE, TS.EXPLICIT_BE, TS.JPEG_LOSSLESS_SV1, TS.JPEG_LOSSLESS_14, TS.RLE, TS.DEFLATED],
    ...over,
  };
}

export interface Received {
  req: StoreRequest;
  sha256: string;
  bytes: number;
  chunks: number;
  aborted?: string;
}

/** A sink that hashes what arrives (nothing is kept), optionally slow (back-pressure) or failing. */
export function hashingHandlers(opts: { delayMs?: number; status?: number } = {}) {
  const received: Received[] = [];
  const aborted: Received[] = [];
  return {
    received,
    aborted,
    /** Mutable: tests may slow the sink down (delayMs) between runs. */
    opts,
    onStoreRequest(req: StoreRequest): StoreSink {
      const h = createHash('sha256');
      const r: Received = { req, sha256: '', bytes: 0, chunks: 0 };
      return {
        write(chunk: Buffer) {
          h.update(chunk);
          r.bytes += chunk.length;
          r.chunks++;
          if (opts.delayMs) return new Promise<void>((res) => setTimeout(res, opts.delayMs));
        },
        async end() {
          r.sha256 = h.digest('hex');
          received.push(r);
          return { status: opts.status ?? 0 };
        },
        abort(reason: string) {
          r.aborted = reason;
          aborted.push(r);
        },
      };
    },
  };
}

/** Offset of the data set in a Part-10 file: after preamble, 'DICM' and the group 0002 elements (explicit VR LE). */
export function datasetOffset(buf: Buffer): number {
  if (buf.toString('latin1', 128, 132) !== 'DICM') throw new Error('not a Part-10 file');
  let pos = 132;
  while (pos + 8 <= buf.length && buf.readUInt16LE(pos) === 0x0002) {
    const vr = buf.toString('latin1', pos + 4, pos + 6);
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr)) pos += 12 + buf.readUInt32LE(pos + 8);
    else pos += 8 + buf.readUInt16LE(pos + 6);
  }
  return pos;
}

/** Part-10 meta essentials: (0002,0002), (0002,0003), (0002,0010) and where the data set starts. */
export function readMeta(buf: Buffer): { sopClassUid: string; sopInstanceUid: string; transferSyntax: string; datasetOffset: number } {
  const out = { sopClassUid: '', sopInstanceUid: '', transferSyntax: '', datasetOffset: datasetOffset(buf) };
  let pos = 132;
  while (pos < out.datasetOffset) {
    const el = buf.readUInt16LE(pos + 2);
    const vr = buf.toString('latin1', pos + 4, pos + 6);
    const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
    const len = long ? buf.readUInt32LE(pos + 8) : buf.readUInt16LE(pos + 6);
    const start = pos + (long ? 12 : 8);
    const v = buf.toString('latin1', start, start + len).replace(/[\0 ]+$/, '');
    if (el === 0x0002) out.sopClassUid = v;
    if (el === 0x0003) out.sopInstanceUid = v;
    if (el === 0x0010) out.transferSyntax = v;
    pos = start + len;
  }
  return out;
}

/** Yields `b` in pieces of `size` bytes (views, no copies). */
export function* pieces(b: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** The spool record's digest string for `b` (src/spool/digest.ts): "crc32c:<8 hex digits>". */
export function crcDigest(b: Buffer): string {
  return crc32cDigestString(crc32c(b));
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a DCMTK tool with TCP_NODELAY=1; rejects if the tool is missing (ENOENT), never skips. */
export function run(cmd: string, args: string[], timeoutMs = 60000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { ...process.env, TCP_NODELAY: '1' }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${cmd} is not installed (DCMTK needed)`));
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export { spawn };
