import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reclaimer, RECLAIM_BYTES, TRIM_EVERY } from '../../../src/system/reclaim.js';
import { mallocTrim } from '../../../src/native/binding.js';

test('Reclaimer: one scavenge per RECLAIM_BYTES received, and it frees dropped socket-sized Buffers', async () => {
  const r = new Reclaimer();
  r.add(RECLAIM_BYTES - 1);
  assert.equal(r.scavenges, 0);
  r.add(1);
  assert.equal(r.scavenges, 1, 'the engine gc() is available without a command-line flag');
  let garbage: Buffer[] | null = Array.from({ length: 256 }, () => Buffer.allocUnsafe(64 * 1024));
  assert.equal(garbage.length, 256);
  const before = process.memoryUsage().arrayBuffers;
  garbage = null;
  r.add(RECLAIM_BYTES);
  await new Promise((res) => setTimeout(res, 20)); // array buffer sweeping may finish off-thread
  const after = process.memoryUsage().arrayBuffers;
  assert.ok(before - after >= 8 * 1024 * 1024, `freed ${((before - after) / 1048576).toFixed(1)} MiB of 16 MiB`);
});

test('every TRIM_EVERY scavenges the C library\'s free pages go back to the kernel', () => {
  const r = new Reclaimer(1024);
  // Garbage for glibc's arenas: Buffers above the mmap threshold come from the heap once glibc has
  // raised it (after the first frees), and stay there once V8 frees them.
  let keep: Buffer[] | null = Array.from({ length: 64 }, () => Buffer.allocUnsafeSlow(256 * 1024).fill(1));
  assert.equal(keep.length, 64);
  keep = null;
  for (let i = 0; i < 4 * TRIM_EVERY; i++) r.add(1024);
  assert.equal(r.scavenges, 4 * TRIM_EVERY);
  assert.ok(r.trims >= 1, `malloc_trim released memory ${r.trims} time(s) in ${r.scavenges / TRIM_EVERY} calls`);
  assert.equal(typeof mallocTrim(), 'boolean');
});
