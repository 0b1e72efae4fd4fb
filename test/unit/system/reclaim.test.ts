import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reclaimer, RECLAIM_BYTES, boundMallocCaches, MMAP_THRESHOLD } from '../../../src/system/reclaim.js';
import { setMmapThreshold } from '../../../src/native/binding.js';

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

test('boundMallocCaches fixes glibc\'s mmap threshold; out-of-range sizes are refused before C++', () => {
  // glibc on every platform pacsgate ships for (Debian 12 amd64/arm64): mallopt takes the setting.
  assert.equal(boundMallocCaches(), true);
  assert.equal(setMmapThreshold(MMAP_THRESHOLD), true);
  for (const bad of [0, 100, 64 * 1024 * 1024, 1.5, Number.NaN]) {
    assert.throws(() => setMmapThreshold(bad), { code: 'GW_ERR_ARGUMENT' });
  }
});
