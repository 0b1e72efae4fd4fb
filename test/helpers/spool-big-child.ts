// Test helper process for test/integration/spool-big.test.ts: writes one 2 GiB instance through a
// SpoolWriter in 256 KiB writes, reads it back, and prints one JSON line of memory figures measured in
// this process alone (VmHWM = peak RSS; RssAnon/RssFile sampled while reading).
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { Spool } from '../../src/spool/index.js';
import { createDigest } from '../../src/spool/digest.js';

const [dir, sizeArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: spool-big-child DIR [BYTES]');
const total = Number(sizeArg ?? 2 * 1024 ** 3);
const WRITE = 256 * 1024;

function status(): Record<'VmHWM' | 'VmRSS' | 'RssAnon' | 'RssFile', number> {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) * 1024;
  return { VmHWM: kb('VmHWM'), VmRSS: kb('VmRSS'), RssAnon: kb('RssAnon'), RssFile: kb('RssFile') };
}

const spool = await Spool.open({ dir, maxBytes: total + 1024 ** 3, log: pino({ level: 'silent' }) });
const atOpen = status();
const src = Buffer.alloc(WRITE);
for (let i = 0; i < WRITE; i++) src[i] = (i * 31 + 7) & 0xff;
const w = spool.beginInstance({
  sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.6', sopInstanceUid: '2.25.2147483648', transferSyntax: '1.2.840.10008.1.2.1',
  callingAe: 'BIG', calledAe: 'PACSGATE', peer: '127.0.0.1', expectedBytes: total,
});
let t = Date.now();
for (let off = 0, n = 0; off < total; off += WRITE, n++) {
  src.writeUInt32BE(n, 0); // every write differs, so a misplaced chunk changes the digest
  const p = w.write(off + WRITE <= total ? src : src.subarray(0, total - off));
  if (p) await p;
}
const rec = await w.commit({}, ['A']);
const writeMs = Date.now() - t;
const afterWrite = status();

t = Date.now();
const h = createDigest('crc32c');
let maxAnon = 0;
let maxRss = 0;
let bytes = 0;
let chunks = 0;
for await (const c of spool.readDataset(rec.id)) {
  h.update(c);
  bytes += c.length;
  if (++chunks % 32 === 0) {
    const s = status();
    maxAnon = Math.max(maxAnon, s.RssAnon);
    maxRss = Math.max(maxRss, s.VmRSS);
  }
}
const readMs = Date.now() - t;
const afterRead = status();
await spool.close();
process.stdout.write(JSON.stringify({
  bytes: rec.bytes, chunks: rec.chunks, digest: rec.digest, readBytes: bytes, readDigest: h.digest(),
  writeMs, readMs, atOpen, afterWrite, afterRead, readMaxAnon: maxAnon, readMaxRss: maxRss,
}) + '\n');
