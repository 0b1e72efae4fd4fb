// Spool layer: opens the one LMDB environment and its named databases, and owns the durability
// rule. It must not hold policy (sizes, queue states); callers build on the handles it returns.
import { open, type Database, type RootDatabase } from 'lmdb';
import type { InstanceRecord, QueueEntry } from './types.js';

/** Chunk keys are [instance id, sequence]; queue keys are [destination, instance id]. */
export type ChunkKey = [number, number];
export type QueueKey = [string, number];

export interface PartialMarker {
  startedAt: number;
  sopInstanceUid: string;
  /**
   * Set for a deleted instance whose chunks are being removed in bounded transactions
   * (records.ts PURGE_BATCH_CHUNKS). Recovery treats it like any partial instance: its chunks go.
   */
  purging?: true;
  /** With `purging`: the instance's bytes per chunk, for the mapped-page accounting of the purge. */
  chunkBytes?: number;
}

export interface SpoolDbs {
  root: RootDatabase;
  chunks: Database<Buffer, ChunkKey>;
  instances: Database<InstanceRecord, number>;
  bySopInstance: Database<number, string>;
  /** Active deliveries only ('queued' | 'sending'), so scans stay short. */
  queue: Database<QueueEntry, QueueKey>;
  /** Permanently failed deliveries, kept until retried or discarded. */
  deadLetter: Database<QueueEntry, QueueKey>;
  /** Finished deliveries (forwarded or discarded), removed with their instance. */
  ledger: Database<QueueEntry, QueueKey>;
  /** Instances being received, or deleted with chunks still to purge: id → marker; removed in the
   *  commit transaction, by the purge, or by recovery. */
  partial: Database<PartialMarker, number>;
  /** Fully delivered instances waiting out the retention: id → time the last delivery finished. */
  retained: Database<number, number>;
  meta: Database<unknown, string>;
  /**
   * Called for each chunk read (verify) or removed, with its size, or undefined where it is not known
   * (a partial instance's): LMDB maps the pages of every value it reads or removes, so the spool counts
   * them and drops its mapping as it goes (mapped.ts). readDataset counts its own reads.
   */
  onChunkMapped?: (bytes?: number) => void;
  /** Called when a transaction left an instance's chunks for the purge (Spool.purge runs after it). */
  onPurgeQueued?: () => void;
}

export const SCHEMA_VERSION = 1;

/**
 * Durability choice (docs/spool.md "Durability"):
 * - overlappingSync: true (lmdb-js default on Linux, stated explicitly). Each write transaction commits
 *   with MDB_NOSYNC, then the same writer thread, outside the write lock, calls fdatasync(2) on data.mdb
 *   (fsync(2) on ext3/4 with kernels < 3.6) and writes a "flushed" meta page through a second descriptor
 *   opened O_DSYNC. Only after that does lmdb-js resolve `flushed`. A put()/transaction() promise alone
 *   resolves at commit (visible, not yet durable); so every acknowledgement awaits `durable()` below.
 * - noSync / noMetaSync / useWritemap / mapAsync: never set; each would weaken or hide the sync.
 * - eventTurnBatching: true (default). Writes issued in one event turn share one transaction, and
 *   concurrent commits awaiting `flushed` share one fdatasync (group commit).
 * - encoding 'binary' for chunks (raw bytes, no msgpack copy); msgpack maps for records and entries.
 */
/**
 * Records and entries as plain MessagePack maps. msgpackr's default "records" would write each value's
 * key list inline (no shared structures here), and reading one back rebuilds a reader for it each time:
 * ~15 µs per forwarded instance in a profile. Values written with records (spools of earlier versions)
 * still decode: the decoder reads both forms. (`useRecords` is passed on to msgpackr; lmdb-js's types
 * do not list it.)
 */
const MSGPACK = { encoding: 'msgpack', useRecords: false } as const;

export function openDbs(dir: string): SpoolDbs {
  guardLmdbCommitRejections();
  const root = open({
    path: dir,
    maxDbs: 16,
    overlappingSync: true,
    noSync: false,
    noMetaSync: false,
    useWritemap: false,
    eventTurnBatching: true,
    commitDelay: 0,
  });
  const db = <V, K extends string | number | Array<string | number>>(name: string, binary = false) =>
    root.openDB<V, K>(name, binary ? { encoding: 'binary' } : MSGPACK) as unknown as Database<V, K>;
  return {
    root,
    chunks: db<Buffer, ChunkKey>('chunks', true),
    instances: db<InstanceRecord, number>('instances'),
    bySopInstance: db<number, string>('bySopInstance'),
    queue: db<QueueEntry, QueueKey>('queue'),
    deadLetter: db<QueueEntry, QueueKey>('deadLetter'),
    ledger: db<QueueEntry, QueueKey>('ledger'),
    partial: db<PartialMarker, number>('partial'),
    retained: db<number, number>('retained'),
    meta: db<unknown, string>('meta'),
  };
}

/**
 * Resolves once `committed` (a put/remove/transaction promise) is committed AND that commit has been
 * fdatasync'd. `flushed` covers every commit issued before it is read; several concurrent callers
 * share the same flush (group commit).
 */
export async function durable<T>(dbs: SpoolDbs, committed: Promise<T>): Promise<T> {
  try {
    const value = await committed;
    await dbs.root.flushed;
    return value;
  } catch (err) {
    throw observeCommitError(err);
  }
}

/**
 * One write transaction run on the calling thread that returns only once it is committed AND
 * fdatasync'd (docs/spool.md "Durability", "Lone sender"). lmdb-js `transactionSync` with its default
 * flags (TXN_SYNCHRONOUS_COMMIT | abortable) begins a top-level transaction of its own (an async batch
 * the writer thread holds open is committed first, lmdb-js writer.cpp `AcquireTxn`) without MDB_NOSYNC,
 * so liblmdb's `mdb_txn_commit` calls fdatasync(2) on the data file before it writes the meta page, and
 * writes that page through the O_DSYNC descriptor, with the "not yet flushed" flag clear. No thread
 * hand-off, but the event loop waits for the sync and no other commit shares it: `durable()` is the
 * choice when several commits are on their way. Never call it from inside a transaction callback: it
 * would join that transaction and return before anything is committed. (No transaction body of the
 * spool awaits, so lmdb-js never holds one open while other code runs: records.ts, queue.ts.)
 */
export function commitSync<T>(dbs: SpoolDbs, fn: () => T): T {
  try {
    return dbs.root.transactionSync(fn) as T;
  } catch (err) {
    throw observeCommitError(err);
  }
}

/**
 * lmdb-js rejects a failed commit's writes with an Error whose `commitError` is a second promise that
 * rejects with the cause (e.g. EIO). Unobserved, that promise would end the process (unhandled
 * rejection), so every LMDB failure passes through here; the cause becomes `err.cause`.
 */
export function observeCommitError(err: unknown, onCause?: (cause: unknown) => void): unknown {
  const commitError = (err as { commitError?: unknown } | null)?.commitError;
  if (commitError instanceof Promise) {
    commitError.then(undefined, (cause: unknown) => {
      const e = err as { cause?: unknown };
      e.cause ??= cause;
      onCause?.(cause);
    });
  }
  return err;
}

/** True for the Error lmdb-js rejects a failed commit's writes with (`commitError` attached). */
export function isLmdbCommitFailure(reason: unknown): boolean {
  return reason instanceof Error && 'commitError' in reason && reason.message.startsWith('Commit failed');
}

let guardInstalled = false;

/**
 * Workaround for lmdb-js 3.5.6 (write.js, `writeBatchStart()` at the end of an event-turn batch): when
 * a commit fails (EIO, EFBIG, ENOSPC), lmdb-js can also reject a commit promise it created internally
 * and handed to no one, which would end the process as an unhandled rejection. Every write of ours in
 * that transaction is rejected and handled on its own path, so this listener drops exactly those lmdb
 * errors; any other unhandled rejection is rethrown, so Node's default (crash) is kept for them.
 */
export function guardLmdbCommitRejections(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  process.on('unhandledRejection', (reason) => {
    if (!isLmdbCommitFailure(reason)) throw reason;
    observeCommitError(reason);
  });
}

/** Highest id + 1 seen in a db keyed by number or [number, …]; 0 when empty. */
export function nextIdAfter(db: Database<unknown, number> | Database<unknown, ChunkKey>): number {
  for (const key of (db as Database<unknown, number | ChunkKey>).getKeys({ reverse: true, limit: 1 })) {
    const id = Array.isArray(key) ? key[0] : key;
    return id + 1;
  }
  return 0;
}

export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** Range bounds for every queue key of one destination, in id order. */
export function destRange(destination: string): { start: QueueKey; end: QueueKey } {
  return { start: [destination, 0], end: [destination, MAX_ID] };
}

/** Range bounds for every chunk of one instance. */
export function chunkRange(id: number): { start: ChunkKey; end: ChunkKey } {
  return { start: [id, 0], end: [id, MAX_ID] };
}
