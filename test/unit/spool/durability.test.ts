// White-box check of the durability rule (docs/spool.md "Durability"): with overlappingSync, LMDB writes
// a "flushed" meta copy (half-way into page 0) only after fdatasync of the data file. When commit()
// resolves, that flushed meta on disk must already name our transaction (or a later one). Fails with
// noSync (no flushed meta is ever written); checked by mutating env.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readSync, closeSync } from 'node:fs';
import path from 'node:path';
import { Spool } from '../../../src/spool/index.js';
import { bytesFor, captureLogger, INFO, tempDir } from './helpers.js';

// liblmdb (lmdb-js fork, data format 2): page header 24 bytes; in MDB_meta, mm_txnid is at byte 128.
const PAGEHDRSZ = 24;
const MM_TXNID = 128;

function flushedTxnId(file: string, pageSize: number): bigint {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(8);
    readSync(fd, b, 0, 8, pageSize / 2 + PAGEHDRSZ + MM_TXNID);
    return b.readBigUInt64LE(0);
  } finally {
    closeSync(fd);
  }
}

test('commit() resolves only once the flushed meta (written after fdatasync) covers its transaction', async () => {
  const tmp = tempDir();
  const spool = await Spool.open({ dir: tmp.dir, maxBytes: null, log: captureLogger().log });
  const file = path.join(tmp.dir, 'data.mdb');
  const stats = () => spool.dbs.root.getStats() as { pageSize: number; lastTxnId: number };
  try {
    const { pageSize } = stats();
    for (let i = 0; i < 40; i++) {
      const w = spool.beginInstance({ ...INFO, sopInstanceUid: `5.${i}` });
      await w.write(bytesFor(i, (i % 4) * 100_000));
      await w.commit({}, ['A']);
      const committedTxn = BigInt(stats().lastTxnId);
      assert.ok(flushedTxnId(file, pageSize) >= committedTxn,
        `instance ${i}: flushed meta ${flushedTxnId(file, pageSize)} < committed txn ${committedTxn}`);
    }
  } finally {
    await spool.close();
    tmp.cleanup();
  }
});
