// White-box check of the durability rule (docs/spool.md "Durability", "Lone sender"): when commit()
// resolves, data.mdb must already hold a meta page that liblmdb keeps after a power loss and that names
// the commit's transaction (or a later one). Two kinds of meta qualify (lmdb-js's liblmdb fork,
// mdb_txn_commit / mdb_env_sync / mdb_pick_meta):
// - the "flushed" copy half-way into page 0, written through the O_DSYNC descriptor only after
//   fdatasync (group commit: lmdb-js's writer thread, overlappingSync);
// - a regular meta page (page 0 or 1) without MDB_OVERLAPPINGSYNC in its flags: a commit without
//   MDB_NOSYNC, whose data were fdatasync'd before that page was written O_DSYNC (a lone writer's
//   synchronous commit, env.ts commitSync).
// Checked by mutating the code: acknowledging before the commit (or committing with MDB_NOSYNC and no
// flush) fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readSync, closeSync } from 'node:fs';
import path from 'node:path';
import { Spool } from '../../../src/spool/index.js';
import { LONE_SENDER_MS, SLOW_SYNC_HOLD_MS } from '../../../src/spool/spool.js';
import { bytesFor, captureLogger, INFO, tempDir } from './helpers.js';

// liblmdb data format 2: page header 24 bytes; in MDB_meta, mm_magic at 0, the FREE_DBI MDB_db's
// md_flags (uint16) at 24 + 4, mm_txnid at 128.
const PAGEHDRSZ = 24;
const MM_MAGIC = 0;
const FREE_MD_FLAGS = 28;
const MM_TXNID = 128;
const MDB_MAGIC = 0xbeefc0de;
const MDB_OVERLAPPINGSYNC = 0x1000;

interface Meta { txnid: bigint; flushed: boolean }

/** A meta at `offset`. The flushed copy is written from mm_mapsize on (no magic): only its txnid counts. */
function readMeta(fd: number, offset: number, flushedCopy: boolean): Meta | null {
  const b = Buffer.alloc(MM_TXNID + 8);
  readSync(fd, b, 0, b.length, offset + PAGEHDRSZ);
  if (!flushedCopy && b.readUInt32LE(MM_MAGIC) !== MDB_MAGIC) return null;
  const synced = (b.readUInt16LE(FREE_MD_FLAGS) & MDB_OVERLAPPINGSYNC) === 0;
  return { txnid: b.readBigUInt64LE(MM_TXNID), flushed: flushedCopy || synced };
}

/** The newest transaction a meta on disk names that survives a power loss (0 when none). */
function durableTxnId(file: string, pageSize: number): bigint {
  const fd = openSync(file, 'r');
  try {
    const metas = [readMeta(fd, 0, false), readMeta(fd, pageSize / 2, true), readMeta(fd, pageSize, false)];
    return metas.reduce((max, m) => (m && m.flushed && m.txnid > max ? m.txnid : max), 0n);
  } finally {
    closeSync(fd);
  }
}

/** Counts the transactions `spool` starts on each path (transactionSync: lone writer; transaction:
 *  group commit), from now on. */
function countPaths(spool: Spool): { sync: number; group: number } {
  const { root } = spool.dbs;
  const calls = { sync: 0, group: 0 };
  const sync = root.transactionSync.bind(root);
  root.transactionSync = ((fn: () => unknown) => {
    calls.sync++;
    return sync(fn);
  }) as typeof root.transactionSync;
  const group = root.transaction.bind(root);
  root.transaction = ((fn: () => unknown) => {
    calls.group++;
    return group(fn);
  }) as typeof root.transaction;
  return calls;
}

/** Opens a spool and records, per SOP Instance UID, the write transaction its record was put in, and
 *  how many commits took each path (countPaths). */
async function instrumented(dir: string) {
  // No slow-disk fallback here (slowSyncMs): these tests count which path each commit takes, and a busy
  // CI disk must not change that.
  const spool = await Spool.open({ dir, maxBytes: null, log: captureLogger().log, slowSyncMs: 600_000 });
  const { root, instances } = spool.dbs;
  assert.equal((root as unknown as { overlappingSync?: boolean }).overlappingSync, true, 'the spool relies on overlappingSync (env.ts)');
  const txnOf = new Map<string, bigint>();
  const put = instances.put.bind(instances);
  instances.put = ((id: number, record: { sopInstanceUid: string }) => {
    txnOf.set(record.sopInstanceUid, BigInt(root.getWriteTxnId()));
    return put(id, record as never);
  }) as typeof instances.put;
  const calls = countPaths(spool);
  const pageSize = (root.getStats() as { pageSize: number }).pageSize;
  const durable = () => durableTxnId(path.join(dir, 'data.mdb'), pageSize);
  return { spool, txnOf, calls, durable };
}

test('a lone writer: commit() resolves only once its transaction is durable (synchronous commit)', async () => {
  const tmp = tempDir();
  const { spool, txnOf, calls, durable } = await instrumented(tmp.dir);
  try {
    for (let i = 0; i < 40; i++) {
      const uid = `5.${i}`;
      const w = spool.beginInstance({ ...INFO, sopInstanceUid: uid });
      // 0 B to ~1.4 MiB: small ones commit in one transaction, larger ones stream chunks first.
      await w.write(bytesFor(i, (i % 5) * 350_000));
      await w.commit({}, ['A']);
      const txn = txnOf.get(uid);
      assert.ok(txn !== undefined && txn > 0n, `instance ${i}: record put outside a write transaction`);
      assert.ok(durable() >= txn, `instance ${i}: durable meta ${durable()} < its transaction ${txn}`);
    }
    assert.equal(calls.sync, 40, 'each lone commit took the synchronous path');
  } finally {
    await spool.close();
    tmp.cleanup();
  }
});

test('concurrent writers: each commit() resolves only once its transaction is durable (group commit)', async () => {
  const tmp = tempDir();
  const { spool, txnOf, calls, durable } = await instrumented(tmp.dir);
  try {
    for (let round = 0; round < 10; round++) {
      const before = calls.group;
      // Four instances open at once: all but the last to commit see another writer on its way.
      const writers = [0, 1, 2, 3].map((k) => ({ k, uid: `6.${round}.${k}`, w: spool.beginInstance({ ...INFO, sopInstanceUid: `6.${round}.${k}` }) }));
      await Promise.all(writers.map(async ({ k, uid, w }) => {
        await w.write(bytesFor(round * 4 + k, 100_000 + k * 300_000));
        await w.commit({}, ['A']);
        const txn = txnOf.get(uid);
        assert.ok(txn !== undefined && txn > 0n, `${uid}: record put outside a write transaction`);
        assert.ok(durable() >= txn, `${uid}: durable meta ${durable()} < its transaction ${txn}`);
      }));
      assert.ok(calls.group - before >= 3, `round ${round}: ${calls.group - before} group commits, expected at least 3`);
    }
  } finally {
    await spool.close();
    tmp.cleanup();
  }
});

test(`after two instances overlapped, commits take the group path for ${LONE_SENDER_MS} ms, then the lone one again`, async () => {
  const tmp = tempDir();
  const { spool, calls } = await instrumented(tmp.dir);
  try {
    const one = async (uid: string): Promise<void> => {
      const w = spool.beginInstance({ ...INFO, sopInstanceUid: uid });
      await w.write(bytesFor(1, 1000));
      await w.commit({}, ['A']);
    };
    await one('8.0');
    assert.deepEqual(calls, { sync: 1, group: 0 }, 'a lone first instance commits synchronously');
    const a = spool.beginInstance({ ...INFO, sopInstanceUid: '8.1' });
    const b = spool.beginInstance({ ...INFO, sopInstanceUid: '8.2' });
    await Promise.all([a, b].map(async (w) => w.commit({}, ['A'])));
    await one('8.3'); // alone again, but within the window
    assert.deepEqual(calls, { sync: 1, group: 3 }, 'overlap: both commits and the next one join the group commit');
    await new Promise((resolve) => setTimeout(resolve, LONE_SENDER_MS + 50));
    await one('8.4');
    assert.deepEqual(calls, { sync: 2, group: 3 }, 'after the window: synchronous again');
  } finally {
    await spool.close();
    tmp.cleanup();
  }
});

test('a slow synchronous commit sends the next commits to the group commit (the event loop stays free)', async () => {
  const tmp = tempDir();
  // slowSyncMs 0: every synchronous commit counts as slow.
  const cap = captureLogger();
  const spool = await Spool.open({ dir: tmp.dir, maxBytes: null, log: cap.log, slowSyncMs: 0 });
  const calls = countPaths(spool);
  try {
    for (let i = 0; i < 5; i++) {
      const w = spool.beginInstance({ ...INFO, sopInstanceUid: `9.${i}` });
      await w.write(bytesFor(i, 2000));
      await w.commit({}, ['A']);
    }
    assert.deepEqual(calls, { sync: 1, group: 4 }, `one synchronous commit, then the group commit for ${SLOW_SYNC_HOLD_MS} ms`);
    const warned = cap.lines.filter((l) => l.msg === 'slow synchronous commit: group commits for a while');
    assert.equal(warned.length, 1, 'warned once');
    assert.equal(warned[0].holdMs, SLOW_SYNC_HOLD_MS);
  } finally {
    await spool.close();
    tmp.cleanup();
  }
});

test('Spool.open refuses a bad slowSyncMs', async () => {
  const tmp = tempDir();
  try {
    await assert.rejects(Spool.open({ dir: tmp.dir, maxBytes: null, log: captureLogger().log, slowSyncMs: -1 }), /slowSyncMs/);
  } finally {
    tmp.cleanup();
  }
});
