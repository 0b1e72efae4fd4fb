import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Spool, DEFAULT_CHUNK_SIZE } from '../../../src/spool/index.js';
import { ChunkLease, ChunkPool } from '../../../src/spool/chunk-pool.js';
import { bytesFor, captureLogger, store, tempDir } from './helpers.js';

const C = DEFAULT_CHUNK_SIZE;
const t0 = tempDir();
after(t0.cleanup);

test('ChunkLease: pooled buffers up to its limit, new ones after; giveBack refills the pool, drop forgets', () => {
  const pool = new ChunkPool(1024, 8);
  const lease = new ChunkLease(pool, 2);
  const a = lease.take(1024);
  const b = lease.take(100); // a view of a pooled chunk
  const c = lease.take(1024); // over the limit: a new buffer, not tracked
  const d = lease.take(4096); // larger than a pool chunk: never pooled
  assert.equal(b.length, 100);
  assert.equal(b.buffer.byteLength, 1024);
  assert.ok(lease.holds(a) && lease.holds(b) && lease.holds(b.subarray(10, 20)));
  assert.ok(!lease.holds(c) && !lease.holds(d));
  lease.giveBack();
  assert.ok(!lease.holds(a), 'given back: no longer lent');
  // The pool hands the same memory out again, newest first.
  const again = new ChunkLease(pool, 4);
  const got = [again.take(1024), again.take(1024), again.take(1024)];
  assert.equal(got[0].buffer, b.buffer);
  assert.equal(got[1].buffer, a.buffer);
  assert.notEqual(got[2].buffer, a.buffer);
  assert.notEqual(got[2].buffer, b.buffer);
  again.drop();
  const third = new ChunkLease(pool, 4).take(1024);
  assert.ok(![a.buffer, b.buffer].includes(third.buffer), 'dropped buffers never come back');
});

test('readDataset with a lease: same bytes as without; reusing the lease for the next instance does not alter what was read', async () => {
  const spool = await Spool.open({ dir: t0.dir, maxBytes: null, log: captureLogger().log });
  try {
    const sizes = [1, C - 1, C, 3 * C + 17, 12 * C + 5]; // the last is larger than the lease
    const recs = [];
    for (const [i, size] of sizes.entries()) recs.push(await store(spool, `1.2.9.${i}`, bytesFor(i + 40, size), ['PACS'], 65_537));
    const pool = new ChunkPool(C, 8);
    for (const [i, rec] of recs.entries()) {
      const lease = new ChunkLease(pool, 8);
      const plain = createHash('sha256');
      for await (const c of spool.readDataset(rec.id)) plain.update(c);
      const leased = createHash('sha256');
      const held: boolean[] = [];
      for await (const c of spool.readDataset(rec.id, lease)) {
        leased.update(c);
        held.push(lease.holds(c));
      }
      const want = createHash('sha256').update(bytesFor(i + 40, sizes[i])).digest('hex');
      assert.equal(plain.digest('hex'), want);
      assert.equal(leased.digest('hex'), want);
      // The first 8 chunks are pooled; the rest of the 13-chunk instance are new buffers.
      assert.deepEqual(held, held.map((_, k) => k < 8));
      lease.giveBack();
    }
  } finally {
    await spool.close();
  }
});
