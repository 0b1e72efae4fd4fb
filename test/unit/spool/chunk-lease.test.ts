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

test('ChunkLease: once full, reuses the buffer used longest ago when its bytes are released, else allocates', () => {
  const pool = new ChunkPool(1024, 8);
  const lease = new ChunkLease(pool, 2);
  const a = lease.take(1024); // bytes [0, 1024)
  const b = lease.take(1024); // [1024, 2048)
  const c = lease.take(1024); // [2048, 3072): nothing released yet, a new buffer
  assert.ok(!lease.holds(c));
  lease.release(1000); // a's bytes not all released
  const d = lease.take(1024); // [3072, 4096)
  assert.ok(!lease.holds(d) && d.buffer !== a.buffer);
  lease.release(1024);
  const e = lease.take(512); // [4096, 4608) in a's buffer
  assert.equal(e.buffer, a.buffer);
  assert.equal(e.length, 512);
  const f = lease.take(1024); // b's bytes [1024, 2048) not released yet
  assert.ok(f.buffer !== b.buffer && !lease.holds(f));
  lease.release(500); // never goes back
  lease.release(4608); // b's, c's, d's and e's bytes
  const g = lease.take(1024); // b is the one used longest ago
  assert.equal(g.buffer, b.buffer);
  const h = lease.take(1024); // then a again (its use as e is released)
  assert.equal(h.buffer, a.buffer);
  assert.equal(lease.reused, 3);
  assert.ok(!lease.holds(c) && !lease.holds(d) && !lease.holds(f));
  lease.giveBack(); // only the two lent buffers go back
  const next = new ChunkLease(pool, 8);
  const back = [next.take(1024), next.take(1024), next.take(1024)].map((x) => x.buffer);
  assert.ok(back.includes(a.buffer) && back.includes(b.buffer));
  assert.ok(![c.buffer, d.buffer, f.buffer].some((x) => back.includes(x)));
  // A fresh lease starts counting bytes at 0 again: nothing is released before it is said.
  const fresh = new ChunkLease(new ChunkPool(1024, 8), 1);
  const x = fresh.take(1024);
  assert.notEqual(fresh.take(1024).buffer, x.buffer);
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

test('readDataset with the caller\'s record: same bytes, the record not read again; another instance\'s record is refused', async () => {
  const spool = await Spool.open({ dir: t0.dir, maxBytes: null, log: captureLogger().log });
  try {
    const a = await store(spool, '1.2.9.100', bytesFor(70, 2 * C + 9), ['PACS'], 65_537);
    const b = await store(spool, '1.2.9.101', bytesFor(71, 5), ['PACS'], 65_537);
    const recA = spool.get(a.id);
    assert.ok(recA);
    // Reading the record again would go through get(): make that fail, to show it is not called.
    const noGet = Object.create(spool) as Spool;
    noGet.get = () => { throw new Error('record read again'); };
    const parts: Buffer[] = [];
    for await (const c of noGet.readDataset(a.id, undefined, recA)) parts.push(Buffer.from(c));
    assert.ok(Buffer.concat(parts).equals(bytesFor(70, 2 * C + 9)));
    await assert.rejects(async () => { for await (const _ of spool.readDataset(b.id, undefined, recA)) void _; }, { code: 'GW_ERR_ARGUMENT' });
  } finally {
    await spool.close();
  }
});
