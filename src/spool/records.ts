// Spool layer: bodies of write transactions on instances (commit, replace, delete, finish). Each
// function runs INSIDE an LMDB transaction callback (reads see the transaction's own writes) and must
// not await, start another transaction, or touch anything but the dbs it is given.
import { chunkRange, type SpoolDbs } from './env.js';
import type { InstanceRecord, QueueEntry } from './types.js';

export const META = {
  schemaVersion: 'schemaVersion',
  maxBytes: 'maxBytes',
  nextId: 'nextId',
  bytesUsed: 'bytesUsed',
  instances: 'instances',
} as const;

export interface Counters {
  bytesUsed: number;
  instances: number;
}

export function readCounters(dbs: SpoolDbs): Counters {
  return {
    bytesUsed: (dbs.meta.get(META.bytesUsed) as number | undefined) ?? 0,
    instances: (dbs.meta.get(META.instances) as number | undefined) ?? 0,
  };
}

function addCounters(dbs: SpoolDbs, bytes: number, instances: number): void {
  const c = readCounters(dbs);
  dbs.meta.put(META.bytesUsed, c.bytesUsed + bytes);
  dbs.meta.put(META.instances, c.instances + instances);
}

export function newQueueEntry(destination: string, id: number, now: number): QueueEntry {
  return { destination, id, state: 'queued', attempts: 0, queuedAt: now, nextAttemptAt: now };
}

/**
 * An instance with more chunks than this has them removed after its deletion, this many per
 * transaction (Spool.purge), not in the deleting transaction. Removing the 8192 chunks of a 2 GiB
 * instance in one transaction raised the daemon's peak RSS by ~8 MiB (LMDB's free-page list and the
 * pages it maps), to 93–96 MiB at the end of a 2 GiB forward against the 96 MiB bound.
 */
export const PURGE_BATCH_CHUNKS = 64;

/** Removes every chunk of `id` (or at most `limit` of them, lowest first); returns how many it removed. */
export function removeChunksTxn(dbs: SpoolDbs, id: number, limit?: number, bytesPerChunk?: number): number {
  // Keys are collected first: the cursor is not moved under our own removals.
  const keys = [...dbs.chunks.getKeys({ ...chunkRange(id), ...(limit === undefined ? {} : { limit }) })];
  for (const key of keys) {
    dbs.chunks.remove(key);
    dbs.onChunkMapped?.(bytesPerChunk);
  }
  return keys.length;
}

/**
 * One purge step: up to PURGE_BATCH_CHUNKS chunks of the first instance under a `purging` marker, and
 * the marker once its last chunk is gone. Returns false when no marker was left to work on. Run in a
 * write transaction, so it sees every deletion committed before it (LMDB orders write transactions).
 */
export function purgeStepTxn(dbs: SpoolDbs): boolean {
  for (const { key: id, value } of dbs.partial.getRange({})) {
    if (!value.purging) continue;
    const n = removeChunksTxn(dbs, id, PURGE_BATCH_CHUNKS, value.chunkBytes);
    if (n < PURGE_BATCH_CHUNKS) dbs.partial.remove(id);
    return true;
  }
  return false;
}

/**
 * Deletes an instance: record, chunks, SOP index, every delivery entry, retention marker, counters.
 * A large instance's chunks (more than PURGE_BATCH_CHUNKS) are left under a `purging` marker for
 * Spool.purge, unless `chunksNow`; the instance is gone for every reader either way. Takes the id, or
 * the record when the caller has already read it (the forward path: one msgpack decode, not three).
 */
export function deleteInstanceTxn(dbs: SpoolDbs, idOrRecord: number | InstanceRecord, chunksNow = false): InstanceRecord | undefined {
  const record = typeof idOrRecord === 'number' ? dbs.instances.get(idOrRecord) : idOrRecord;
  if (!record) return undefined;
  const { id } = record;
  if (chunksNow || record.chunks <= PURGE_BATCH_CHUNKS || !dbs.onPurgeQueued) {
    removeCommittedChunksTxn(dbs, record);
  } else {
    dbs.partial.put(id, {
      startedAt: Date.now(), sopInstanceUid: record.sopInstanceUid, purging: true, chunkBytes: chunkBytesOf(record),
    });
    dbs.onPurgeQueued();
  }
  dbs.instances.remove(id);
  if (dbs.bySopInstance.get(record.sopInstanceUid) === id) dbs.bySopInstance.remove(record.sopInstanceUid);
  for (const d of record.destinations) {
    dbs.queue.remove([d, id]);
    dbs.deadLetter.remove([d, id]);
    dbs.ledger.remove([d, id]);
  }
  dbs.retained.remove(id);
  addCounters(dbs, -record.bytes, -1);
  return record;
}

/** Average bytes per chunk of a committed instance (what removing one maps, for Spool's accounting). */
function chunkBytesOf(record: InstanceRecord): number {
  return record.bytes / Math.max(1, record.chunks);
}

/**
 * The chunks of a committed instance are exactly [id, 0] … [id, chunks − 1] (commitInstanceTxn;
 * verify() checks it): removed by key, without the cursor scan removeChunksTxn needs for a partial
 * instance, whose chunk count no record states.
 */
function removeCommittedChunksTxn(dbs: SpoolDbs, record: InstanceRecord): void {
  const chunkBytes = chunkBytesOf(record);
  for (let seq = 0; seq < record.chunks; seq++) {
    dbs.chunks.remove([record.id, seq]);
    dbs.onChunkMapped?.(chunkBytes);
  }
}

/**
 * Commit of a received instance (the chunks not yet written come in here, so the whole instance appears
 * atomically). Replace policy: an older instance with the same SOP Instance UID is deleted in this
 * same transaction (record, chunks, all its queue/dead/ledger entries); the new one is queued afresh.
 */
export function commitInstanceTxn(
  dbs: SpoolDbs,
  record: InstanceRecord,
  tail: Buffer[],
  now: number,
): { replaced?: InstanceRecord } {
  // The chunks not written yet (all of them for a small instance) are the record's last ones.
  tail.forEach((buf, i) => dbs.chunks.put([record.id, record.chunks - tail.length + i], buf));
  const oldId = dbs.bySopInstance.get(record.sopInstanceUid);
  const replaced = oldId !== undefined && oldId !== record.id ? deleteInstanceTxn(dbs, oldId) : undefined;
  dbs.instances.put(record.id, record);
  dbs.bySopInstance.put(record.sopInstanceUid, record.id);
  dbs.partial.remove(record.id);
  // Ids are never reused, even those of instances that committed without ever writing a marker.
  const nextId = (dbs.meta.get(META.nextId) as number | undefined) ?? 0;
  if (nextId <= record.id) dbs.meta.put(META.nextId, record.id + 1);
  for (const d of record.destinations) dbs.queue.put([d, record.id], newQueueEntry(d, record.id, now));
  addCounters(dbs, record.bytes, 1);
  return replaced ? { replaced } : {};
}

/** True when no destination of the instance still has a queued (maybe on the wire) or dead entry. */
export function allDelivered(dbs: SpoolDbs, record: InstanceRecord): boolean {
  return record.destinations.every((d) => !dbs.queue.doesExist([d, record.id]) && !dbs.deadLetter.doesExist([d, record.id]));
}

/**
 * Called after a delivery finished (forwarded or discarded): once every destination of the instance is
 * done, marks it for Spool.sweep() (`retained`: id → now), which deletes it in bulk after the retention
 * (none by default: at the next sweep). Deleting here, one instance per delivery transaction, cost a
 * forward lane ~120 µs of CPU per 512 KiB instance; sweep() deletes hundreds per transaction for about
 * a third of that, off the delivery path (docs/spool.md "Deletion"). Instances routed nowhere are kept
 * (CONTRACT.md: "kept in the spool until a destination exists").
 */
export function finishIfDeliveredTxn(dbs: SpoolDbs, id: number, now: number): void {
  const record = dbs.instances.get(id);
  if (record && record.destinations.length > 0 && allDelivered(dbs, record)) dbs.retained.put(id, now);
}
