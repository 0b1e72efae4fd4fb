import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Spool, MAX_DEFAULT_BYTES } from '../../../src/spool/index.js';
import { freeBytes } from '../../../src/spool/max-bytes.js';
import { PURGE_BATCH_CHUNKS } from '../../../src/spool/records.js';
import { chunkRange } from '../../../src/spool/env.js';
import { bytesFor, captureLogger, INFO, readAll, sha256, store, tempDir } from './helpers.js';

/** Chunks of instance `id` still in the spool (committed, partial or being purged). */
const chunksOf = (spool: Spool, id: number): number => spool.dbs.chunks.getCount(chunkRange(id));

/**
 * Closes `spool` (as a restart after kill -9 would find it) and opens it again; checks that recovery
 * removed one partial instance, the chunks of `id` and every marker.
 */
async function reopenRecovered(spool: Spool, opts: Parameters<typeof Spool.open>[0], id: number): Promise<Spool> {
  await spool.close();
  const cap = captureLogger();
  const reopened = await Spool.open({ ...opts, log: cap.log });
  try {
    assert.equal(cap.lines.find((l) => l.msg === 'spool open')?.partialsRemoved, 1);
    assert.equal(chunksOf(reopened, id), 0);
    assert.equal(reopened.dbs.partial.getCount(), 0);
  } catch (err) {
    await reopened.close(); // the caller's finally still holds the closed one
    throw err;
  }
  return reopened;
}

test('replace policy: a re-sent SOP Instance UID replaces the older instance and its queue entries', async () => {
  const t = tempDir();
  const spool = await Spool.open({ dir: t.dir, maxBytes: null, log: captureLogger().log });
  try {
    const old = await store(spool, '1.1', bytesFor(1, 700_000), ['A']);
    await store(spool, '1.2', bytesFor(2, 10), ['A']);
    const fresh = await store(spool, '1.1', bytesFor(3, 1234), ['A', 'B']);
    assert.ok(fresh.id > old.id);
    assert.equal(spool.get(old.id), undefined);
    assert.equal(spool.findBySopInstanceUid('1.1')?.id, fresh.id);
    assert.equal(spool.entry('A', old.id), undefined);
    assert.equal(spool.dbs.chunks.getCount({ start: [old.id, 0], end: [old.id + 1, 0] }), 0);
    assert.equal(sha256(await readAll(spool, fresh.id)), sha256(bytesFor(3, 1234)));
    assert.deepEqual(spool.stats().queued, { A: 2, B: 1 });
    assert.equal(spool.stats().instances, 2);
    assert.equal(spool.stats().bytesUsed, 1234 + 10);
    // The forwarder that was sending the old one finds its entry gone.
    assert.deepEqual(await spool.markForwarded('A', [{ id: old.id, status: 0, transferSyntax: 'x' }]), [undefined]);
    await assert.rejects(readAll(spool, old.id), { code: 'GW_ERR_SPOOL_NOT_FOUND' });
    assert.deepEqual(spool.verify().problems, []);
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('maxBytes: option wins, else persisted at first start, else 80 % of free space capped at 64 GiB', async () => {
  const t = tempDir();
  const { log } = captureLogger();
  try {
    const free = freeBytes(t.dir);
    let s = await Spool.open({ dir: t.dir, maxBytes: null, log });
    const first = s.stats().bytesMax;
    const expected = Math.min(Math.floor(free * 0.8), MAX_DEFAULT_BYTES);
    assert.ok(Math.abs(first - expected) < 64 * 1024 * 1024, `${first} vs ${expected}`);
    await s.close();
    s = await Spool.open({ dir: t.dir, maxBytes: 5_000_000, log });
    assert.equal(s.stats().bytesMax, 5_000_000);
    await s.close();
    s = await Spool.open({ dir: t.dir, maxBytes: null, log });
    assert.equal(s.stats().bytesMax, first, 'the first-start value is persisted');
    await s.close();
  } finally {
    t.cleanup();
  }
});

test('reopen after close: data kept, ids continue, an uncommitted instance is removed by recovery', async () => {
  const t = tempDir();
  const cap = captureLogger();
  try {
    let s = await Spool.open({ dir: t.dir, maxBytes: null, log: cap.log });
    const a = await store(s, '2.1', bytesFor(1, 300_000), ['A']);
    // Above the deferral threshold (maxPendingChunks chunks) chunks stream out before the commit…
    const w = s.beginInstance({ ...INFO, sopInstanceUid: '2.2' });
    await w.write(bytesFor(2, 2_000_000));
    // …below it they stay in memory until the commit writes them: nothing reaches the disk.
    const small = s.beginInstance({ ...INFO, sopInstanceUid: '2.4' });
    await small.write(bytesFor(4, 600_000));
    await s.dbs.root.flushed;
    assert.equal(s.dbs.partial.getCount({}), 1);
    assert.equal(s.dbs.chunks.getCount({ start: [small.id, 0], end: [small.id + 1, 0] }), 0);
    await s.close(); // without commit or abort: as if the process had died
    s = await Spool.open({ dir: t.dir, maxBytes: null, log: cap.log });
    const open = cap.lines.filter((l) => l.msg === 'spool open').at(-1);
    assert.equal(open?.partialsRemoved, 1);
    assert.equal(s.dbs.partial.getCount({}), 0);
    assert.equal(s.dbs.chunks.getCount({ start: [w.id, 0], end: [w.id + 1, 0] }), 0);
    assert.ok((await readAll(s, a.id)).equals(bytesFor(1, 300_000)));
    const b = await store(s, '2.3', bytesFor(3, 10), ['A']);
    assert.ok(b.id > w.id, 'ids are never reused');
    assert.deepEqual(s.verify().problems, []);
    await s.close();
  } finally {
    t.cleanup();
  }
});

test('a \'sending\' entry (written by pacsgate before it stopped recording that state) is queued again on open', async () => {
  const t = tempDir();
  const { log } = captureLogger();
  try {
    let s = await Spool.open({ dir: t.dir, maxBytes: null, log });
    const a = await store(s, '3.1', bytesFor(1, 10), ['A']);
    const queued = s.dbs.queue.get(['A', a.id])!;
    await s.dbs.queue.put(['A', a.id], { ...queued, state: 'sending', attempts: 1 });
    await s.close();
    s = await Spool.open({ dir: t.dir, maxBytes: null, log });
    const due = s.nextQueued('A', Date.now(), 10);
    assert.equal(due.length, 1);
    assert.equal(due[0].entry.state, 'queued');
    assert.equal(due[0].entry.attempts, 1);
    await s.close();
  } finally {
    t.cleanup();
  }
});

test('bad options are refused with GW_ERR_ARGUMENT; a closed spool refuses work', async () => {
  const { log } = captureLogger();
  await assert.rejects(Spool.open({ dir: '', maxBytes: null, log }), { code: 'GW_ERR_ARGUMENT' });
  await assert.rejects(Spool.open({ dir: '/tmp/x', maxBytes: -1, log }), { code: 'GW_ERR_ARGUMENT' });
  await assert.rejects(Spool.open({ dir: '/tmp/x', maxBytes: null, log, chunkSize: 10 }), { code: 'GW_ERR_ARGUMENT' });
  const t = tempDir();
  const s = await Spool.open({ dir: t.dir, maxBytes: null, log });
  const w = s.beginInstance({ ...INFO, sopInstanceUid: '2' });
  await w.write(bytesFor(1, 1000));
  await s.close();
  assert.throws(() => s.beginInstance({ ...INFO, sopInstanceUid: '1' }), { code: 'GW_ERR_SPOOL_STATE' });
  assert.throws(() => w.write(Buffer.alloc(1)), { code: 'GW_ERR_SPOOL_STATE' });
  await assert.rejects(w.commit({}, []), { code: 'GW_ERR_SPOOL_STATE' });
  await w.abort();
  await assert.rejects(s.markForwarded('A', [{ id: 1, status: 0, transferSyntax: 'x' }]), { code: 'GW_ERR_SPOOL_STATE' });
  assert.equal(s.health().writable, false);
  t.cleanup();
});

test('a spool written by a newer schema is refused', async () => {
  const t = tempDir();
  const { log } = captureLogger();
  const s = await Spool.open({ dir: t.dir, maxBytes: null, log });
  await s.dbs.meta.put('schemaVersion', 99);
  await s.close();
  await assert.rejects(Spool.open({ dir: t.dir, maxBytes: null, log }), { code: 'GW_ERR_SPOOL_STATE' });
  t.cleanup();
});

test('one process per spool directory: a second open is refused while the first is open', async () => {
  const t = tempDir();
  const { log } = captureLogger();
  const s = await Spool.open({ dir: t.dir, maxBytes: null, log });
  await assert.rejects(Spool.open({ dir: t.dir, maxBytes: null, log }), { code: 'GW_ERR_SPOOL_STATE' });
  await s.close();
  const again = await Spool.open({ dir: t.dir, maxBytes: null, log });
  await again.close();
  t.cleanup();
});

test('verifyOnOpen reports a damaged chunk', async () => {
  const t = tempDir();
  const cap = captureLogger();
  let s = await Spool.open({ dir: t.dir, maxBytes: null, log: cap.log });
  const rec = await store(s, '9.9', bytesFor(1, 1000), ['A']);
  await s.dbs.chunks.put([rec.id, 0], Buffer.from(bytesFor(2, 1000)));
  await s.close();
  s = await Spool.open({ dir: t.dir, maxBytes: null, log: cap.log, verifyOnOpen: true });
  const line = cap.lines.find((l) => l.msg === 'spool verified');
  assert.equal(line?.level, 50);
  assert.deepEqual(s.verify().problems, [{ id: rec.id, problem: 'crc32c mismatch' }]);
  await s.close();
  t.cleanup();
});

test('a large deleted instance has its chunks purged in bounded transactions; a purge cut short is finished by recovery', async () => {
  const t = tempDir();
  const opts = { dir: t.dir, maxBytes: null, log: captureLogger().log, chunkSize: 1024 };
  let spool = await Spool.open(opts);
  try {
    // 3.5 × PURGE_BATCH_CHUNKS chunks: purged in four transactions, not in the deleting one.
    const big = await store(spool, '2.1', bytesFor(5, Math.round(3.5 * PURGE_BATCH_CHUNKS * 1024)), ['A']);
    const small = await store(spool, '2.2', bytesFor(6, 10 * 1024), ['A']);
    assert.equal(chunksOf(spool, big.id), Math.ceil(3.5 * PURGE_BATCH_CHUNKS));
    await spool.markForwarded('A', [{ id: big.id, status: 0, transferSyntax: big.transferSyntax }]);
    await spool.markForwarded('A', [{ id: small.id, status: 0, transferSyntax: small.transferSyntax }]);
    assert.equal(await spool.sweep(), 2);
    assert.equal(spool.get(big.id), undefined, 'gone for readers at once');
    assert.equal(chunksOf(spool, small.id), 0, 'a small instance loses its chunks in the deleting transaction');
    await spool.purge();
    assert.equal(chunksOf(spool, big.id), 0);
    assert.equal(spool.dbs.partial.getCount(), 0, 'purge marker removed');
    assert.deepEqual(spool.verify().problems, []);
    assert.equal(spool.stats().bytesUsed, 0);

    // Deletions that land while a purge is running are purged too.
    const pair = [await store(spool, '2.4', bytesFor(9, 100 * 1024), ['A']), await store(spool, '2.5', bytesFor(10, 100 * 1024), ['A'])];
    await spool.markForwarded('A', [{ id: pair[0].id, status: 0, transferSyntax: pair[0].transferSyntax }]);
    await spool.sweep();
    await new Promise((resolve) => setImmediate(resolve)); // the first purge has started
    await spool.markForwarded('A', [{ id: pair[1].id, status: 0, transferSyntax: pair[1].transferSyntax }]);
    await spool.sweep();
    await spool.purge();
    assert.deepEqual(pair.map((r) => chunksOf(spool, r.id)), [0, 0]);
    assert.equal(spool.dbs.partial.getCount(), 0);

    // Replaced by a re-send, and the process "dies" before its purge runs (the purge hook is cut, as
    // kill -9 would): the next open removes the chunks.
    const again = await store(spool, '2.3', bytesFor(7, 2 * PURGE_BATCH_CHUNKS * 1024 + 1), ['A']);
    spool.dbs.onPurgeQueued = () => {};
    await store(spool, '2.3', bytesFor(8, 100), ['A']);
    assert.ok(chunksOf(spool, again.id) > PURGE_BATCH_CHUNKS);
    assert.equal(spool.dbs.partial.get(again.id)?.purging, true, 'left for the purge');
    spool = await reopenRecovered(spool, opts, again.id);
    assert.deepEqual(spool.verify().problems, []);
    assert.equal(spool.stats().instances, 1);
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('an abort after more than PURGE_BATCH_CHUNKS chunks leaves them to the purge; cut short, recovery finishes it', async () => {
  const t = tempDir();
  const opts = { dir: t.dir, maxBytes: null, log: captureLogger().log, chunkSize: 1024 };
  let spool = await Spool.open(opts);
  try {
    const writeSome = async (uid: string, chunks: number) => {
      const w = spool.beginInstance({ ...INFO, sopInstanceUid: uid });
      for (let i = 0; i < chunks; i++) await w.write(bytesFor(i, 1024));
      return w;
    };
    // More than the writer's ~1 MiB of deferred chunks (1024 of 1 KiB here), so that chunks are put.
    // With the purge hook cut (as kill -9 right after the abort would), the abort removes no chunk:
    // it turns the marker into a purging one.
    const LARGE = 1024 + 3 * PURGE_BATCH_CHUNKS;
    const big = await writeSome('3.2', LARGE);
    spool.dbs.onPurgeQueued = () => {};
    await big.abort();
    const left = chunksOf(spool, big.id);
    assert.ok(left > 2 * PURGE_BATCH_CHUNKS, `the abort left them to the purge (${left} chunks)`);
    assert.equal(spool.dbs.partial.get(big.id)?.purging, true);
    assert.equal(spool.findBySopInstanceUid('3.2'), undefined);
    assert.deepEqual(spool.stats().bytesUsed, 0);
    spool = await reopenRecovered(spool, opts, big.id);

    // Large, on a freshly opened spool (hook in place): the purge removes them after the abort.
    const big2 = await writeSome('3.3', LARGE);
    await big2.abort();
    await spool.purge();
    assert.equal(chunksOf(spool, big2.id), 0);
    assert.equal(spool.dbs.partial.getCount(), 0);
    assert.deepEqual(spool.verify().problems, []);
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('records and entries written by an earlier version (msgpackr records) still read; new ones are plain maps', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const spool = await Spool.open({ dir, maxBytes: null, log: captureLogger().log });
    try {
      const rec = await store(spool, '1.2.3.9', bytesFor(9, 1000), ['pacs']);
      const raw = spool.dbs.root.openDB<Buffer, number>('instances', { encoding: 'binary' });
      assert.equal(raw.getBinary(rec.id)![0], 0xde, 'written now: a map16');
      // What versions before bb4956b wrote: lmdb-js's default msgpack, records with inline definitions.
      const legacy = spool.dbs.root.openDB<unknown, number>('instances', { encoding: 'msgpack' });
      const legacyQueue = spool.dbs.root.openDB<unknown, Array<string | number>>('queue', { encoding: 'msgpack' });
      const entry = spool.dbs.queue.get(['pacs', rec.id])!;
      await legacy.put(rec.id, rec);
      await legacyQueue.put(['pacs', rec.id], entry);
      assert.deepEqual([...raw.getBinary(rec.id)!.subarray(0, 2)], [0xd4, 0x72], 'a record definition');
      assert.deepEqual(spool.get(rec.id), rec);
      assert.deepEqual(spool.nextQueued('pacs', Date.now(), 10).map((q) => q.record), [rec]);
      const [done] = await spool.markForwarded('pacs', [{ id: rec.id, status: 0, transferSyntax: rec.transferSyntax }]);
      assert.equal(done?.state, 'forwarded');
      assert.equal(await spool.sweep(), 1);
      assert.equal(spool.get(rec.id), undefined);
    } finally {
      await spool.close();
    }
  } finally {
    cleanup();
  }
});
