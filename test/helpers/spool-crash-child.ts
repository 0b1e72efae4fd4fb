// Test helper process for test/integration/spool-crash.test.ts (compiled, run with node). Commits
// instances from several concurrent writers in a loop and prints "id sha256 uid" for each one ONLY after
// commit() resolved (i.e. the spool says it is durable). The parent kills it with SIGKILL at random.
// Some writers abort, and the kill usually lands mid-write, so recovery has partials to remove.
import { randomBytes, createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import pino from 'pino';
import { Spool } from '../../src/spool/index.js';
import { crcDigest } from './net.js';

const [dir, writersArg, tagArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: spool-crash-child DIR [WRITERS] [TAG]');
const writers = Number(writersArg ?? 4);
const tag = tagArg ?? String(process.pid);
const spool = await Spool.open({ dir, maxBytes: null, log: pino({ level: 'silent' }), chunkSize: 64 * 1024 });
let n = 0;

async function loop(w: number): Promise<never> {
  for (;;) {
    const k = n++;
    // Sizes from empty to ~5 chunks, and every fifth one 1.5-2.5 MiB (a long write, so kills often land
    // mid-instance), written in 16 KiB slices like PDVs.
    const size = k % 7 === 0 ? 0
      : k % 5 === 1 ? Math.floor((1.5 + Math.random()) * 1024 * 1024)
        : Math.floor(Math.random() * 5.5 * 64 * 1024);
    const data = randomBytes(size);
    const uid = `2.25.${tag}.${w}.${k}`;
    const writer = spool.beginInstance({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: uid, transferSyntax: '1.2.840.10008.1.2.1',
      callingAe: 'CRASH', calledAe: 'PACSGATE', peer: '127.0.0.1',
    });
    for (let off = 0; off < size; off += 16384) await writer.write(data.subarray(off, off + 16384));
    if (k % 11 === 5) {
      await writer.abort();
      continue;
    }
    const rec = await writer.commit({ modality: 'OT' }, ['A', 'B']);
    const digest = createHash('sha256').update(data).digest('hex');
    writeSync(1, `${rec.id} ${digest} ${crcDigest(data)} ${uid}\n`);
  }
}

writeSync(1, 'ready\n');
await Promise.all(Array.from({ length: writers }, (_, w) => loop(w)));
