import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Spool, DEFAULT_CHUNK_SIZE } from '../../../src/spool/index.js';
import { bytesFor, captureLogger, INFO, readAll, store, tempDir } from './helpers.js';
import { crcDigest } from '../../helpers/net.js';

const C = DEFAULT_CHUNK_SIZE;
const t0 = tempDir();
after(t0.cleanup);

test('write/commit/read back byte-identical at chunk boundaries and 10 MB', async () => {
  const spool = await Spool.open({ dir: t0.dir, maxBytes: null, log: captureLogger().log });
  try {
    const sizes = [0, 1, C - 1, C, C + 1, 10 * 1000 * 1000];
    for (const [i, size] of sizes.entries()) {
      const data = bytesFor(i + 1, size);
      // Odd slice sizes so writes straddle chunk boundaries.
      const rec = await store(spool, `1.2.3.${i}`, data, ['PACS'], 65_537);
      assert.equal(rec.bytes, size);
      assert.equal(rec.chunks, Math.ceil(size / C));
      assert.equal(rec.digest, crcDigest(data));
      const back = await readAll(spool, rec.id);
      assert.equal(back.length, size);
      assert.ok(back.equals(data), `size ${size} differs`);
      for await (const chunk of spool.readDataset(rec.id)) assert.ok(chunk.length <= C);
      assert.deepEqual(spool.get(rec.id), rec);
      assert.equal(spool.findBySopInstanceUid(`1.2.3.${i}`)?.id, rec.id);
    }
    const report = spool.verify();
    assert.deepEqual(report.problems, []);
    assert.equal(report.instances, sizes.length);
    assert.equal(spool.stats().bytesUsed, sizes.reduce((a, b) => a + b, 0));
  } finally {
    await spool.close();
  }
});

test('ids increase in arrival order, also across concurrent writers', async () => {
  const t = tempDir();
  const spool = await Spool.open({ dir: t.dir, maxBytes: null, log: captureLogger().log });
  try {
    const writers = [0, 1, 2, 3].map((i) => spool.beginInstance({ ...INFO, sopInstanceUid: `9.${i}` }));
    assert.deepEqual(writers.map((w) => w.id), [...writers.map((w) => w.id)].sort((a, b) => a - b));
    // Commit in reverse order, all in the same event turn: ids keep the begin order.
    const recs = await Promise.all(writers.reverse().map((w, i) => {
      w.write(bytesFor(i, 1000));
      return w.commit({}, ['A']);
    }));
    assert.equal(new Set(recs.map((r) => r.id)).size, 4);
    assert.deepEqual(spool.nextQueued('A', Date.now(), 10).map((x) => x.record.sopInstanceUid), ['9.0', '9.1', '9.2', '9.3']);
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('abort leaves nothing behind and the writer refuses more', async () => {
  const t = tempDir();
  const spool = await Spool.open({ dir: t.dir, maxBytes: null, log: captureLogger().log });
  try {
    const w = spool.beginInstance({ ...INFO, sopInstanceUid: '7.7' });
    for (let i = 0; i < 5; i++) await w.write(bytesFor(i, C / 2 + 3));
    assert.ok(w.bytesWritten > 2 * C);
    await w.abort();
    await w.abort(); // idempotent
    assert.throws(() => w.write(Buffer.alloc(1)), { code: 'GW_ERR_SPOOL_STATE' });
    await assert.rejects(w.commit({}, []), { code: 'GW_ERR_SPOOL_STATE' });
    assert.equal(spool.dbs.chunks.getCount({}), 0);
    assert.equal(spool.dbs.partial.getCount({}), 0);
    assert.equal(spool.findBySopInstanceUid('7.7'), undefined);
    assert.deepEqual(spool.stats(), { bytesUsed: 0, bytesMax: spool.stats().bytesMax, instances: 0, queued: {} });
    assert.deepEqual(spool.verify().problems, []);
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('full spool: GW_ERR_SPOOL_FULL, the writer cleans up, nothing partial left', async () => {
  const t = tempDir();
  const max = 3 * C;
  const spool = await Spool.open({ dir: t.dir, maxBytes: max, log: captureLogger().log });
  try {
    await store(spool, '5.1', bytesFor(1, 2 * C));
    const w = spool.beginInstance({ ...INFO, sopInstanceUid: '5.2' });
    await w.write(bytesFor(2, C / 2));
    assert.throws(() => w.write(bytesFor(3, C)), { code: 'GW_ERR_SPOOL_FULL' });
    assert.throws(() => w.write(Buffer.alloc(1)), { code: 'GW_ERR_SPOOL_FULL' });
    await assert.rejects(w.commit({}, ['A']), { code: 'GW_ERR_SPOOL_FULL' });
    await w.abort();
    assert.equal(spool.dbs.partial.getCount({}), 0);
    assert.deepEqual(spool.verify().problems, []);
    assert.equal(spool.stats().instances, 1);
    assert.equal(spool.stats().bytesUsed, 2 * C);
    // Too large up front.
    assert.throws(() => spool.beginInstance({ ...INFO, sopInstanceUid: '5.3', expectedBytes: C + 1 }),
      { code: 'GW_ERR_SPOOL_FULL' });
    // Exactly to the limit is fine; then the spool reports full and refuses new instances.
    await store(spool, '5.4', bytesFor(4, C));
    assert.equal(spool.stats().bytesUsed, max);
    assert.deepEqual(spool.health(), { writable: true, full: true, reason: 'spool full' });
    assert.throws(() => spool.beginInstance({ ...INFO, sopInstanceUid: '5.5' }), { code: 'GW_ERR_SPOOL_FULL' });
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('back-pressure: write() returns a promise while chunks are pending', async () => {
  const t = tempDir();
  const spool = await Spool.open({ dir: t.dir, maxBytes: null, log: captureLogger().log, chunkSize: 4096 });
  try {
    const w = spool.beginInstance({ ...INFO, sopInstanceUid: '4.4' });
    // One synchronous write of many chunks: it cannot all be committed yet, so we must be told to wait.
    const p = w.write(bytesFor(1, 4096 * 600));
    assert.ok(p instanceof Promise);
    await p;
    const rec = await w.commit({}, []);
    assert.equal(rec.chunks, 600);
    assert.ok((await readAll(spool, rec.id)).equals(bytesFor(1, 4096 * 600)));
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('abort() racing a commit: the commit wins and the instance stays', async () => {
  const t = tempDir();
  const spool = await Spool.open({ dir: t.dir, maxBytes: null, log: captureLogger().log });
  try {
    const w = spool.beginInstance({ ...INFO, sopInstanceUid: '3.3' });
    await w.write(bytesFor(1, C + 5));
    const committing = w.commit({}, ['A']);
    await w.abort();
    const rec = await committing;
    assert.ok(spool.get(rec.id));
    assert.deepEqual(spool.verify().problems, []);
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('readiness: an instance refused for lack of room makes health() full until a commit or freed space', async () => {
  const t = tempDir();
  const spool = await Spool.open({ dir: t.dir, maxBytes: 3 * C, log: captureLogger().log });
  try {
    await store(spool, '6.1', bytesFor(1, 2 * C));
    assert.equal(spool.health().full, false);
    const w = spool.beginInstance({ ...INFO, sopInstanceUid: '6.2' });
    assert.throws(() => w.write(bytesFor(2, 2 * C)), { code: 'GW_ERR_SPOOL_FULL' });
    await w.abort();
    // C bytes are still free, but senders just got Out of Resources: /readyz must say so.
    assert.deepEqual(spool.health(), { writable: true, full: true, reason: 'spool full' });
    // Still room for a smaller instance (beginInstance does not refuse on the flag) …
    await store(spool, '6.3', bytesFor(3, C / 2));
    // … and its commit shows there is room again.
    assert.equal(spool.health().full, false);
  } finally {
    await spool.close();
    t.cleanup();
  }
});
