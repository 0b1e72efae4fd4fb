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
  assert.equal(r.trims, 4, 'one malloc_trim per TRIM_EVERY scavenges');
  // Whether glibc had pages to give back depends on the heap's state; the effect on the daemon's peak
  // RSS is what test/integration/forward-big.test.ts bounds.
  assert.ok(r.trimmed <= r.trims);
  assert.equal(typeof mallocTrim(), 'boolean');
});
