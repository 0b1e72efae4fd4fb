// Spool layer: crash recovery at open (drop instances that never committed) and verify() (every
// record's chunks, sizes and digest against what is stored). Never deletes a committed instance.
import { createDigest, digestAlgorithm, recordDigest } from './digest.js';
import { chunkRange, nextIdAfter, type SpoolDbs } from './env.js';
import { META, readCounters, removeChunksTxn } from './records.js';
import type { InstanceRecord, VerifyReport } from './types.js';

/** Inside a transaction: removes every partial marker and its chunks; returns the ids removed. */
export function removePartialsTxn(dbs: SpoolDbs): number[] {
  const ids = [...dbs.partial.getKeys({})];
  for (const id of ids) {
    removeChunksTxn(dbs, id);
    dbs.partial.remove(id);
  }
  return ids;
}

/** The next instance id: past every id ever persisted (ids are never reused). */
export function recoverNextId(dbs: SpoolDbs): number {
  const persisted = (dbs.meta.get(META.nextId) as number | undefined) ?? 1;
  return Math.max(persisted, 1, nextIdAfter(dbs.instances), nextIdAfter(dbs.partial), nextIdAfter(dbs.chunks));
}

function verifyRecord(dbs: SpoolDbs, record: InstanceRecord, problems: VerifyReport['problems']): void {
  const expected = recordDigest(record);
  const algorithm = expected ? digestAlgorithm(expected) : undefined;
  if (!expected || !algorithm) {
    problems.push({ id: record.id, problem: `no digest this version can check (${expected ?? 'none'})` });
    return;
  }
  const hash = createDigest(algorithm);
  let bytes = 0;
  let seq = 0;
  for (const { key, value } of dbs.chunks.getRange(chunkRange(record.id))) {
    if (key[1] !== seq) {
      problems.push({ id: record.id, problem: `chunk ${seq} missing (found ${key[1]})` });
      return;
    }
    hash.update(value);
    bytes += value.length;
    dbs.onChunkMapped?.(value.length);
    seq++;
  }
  if (seq !== record.chunks) problems.push({ id: record.id, problem: `${seq} chunks, record says ${record.chunks}` });
  if (bytes !== record.bytes) problems.push({ id: record.id, problem: `${bytes} bytes, record says ${record.bytes}` });
  if (hash.digest() !== expected) problems.push({ id: record.id, problem: `${algorithm} mismatch` });
  if (dbs.bySopInstance.get(record.sopInstanceUid) !== record.id) {
    problems.push({ id: record.id, problem: 'SOP Instance UID index does not point here' });
  }
}

/** Chunks whose instance has neither a record nor a partial marker. */
function orphanChunks(dbs: SpoolDbs, problems: VerifyReport['problems']): void {
  let last = -1;
  for (const key of dbs.chunks.getKeys({})) {
    const id = key[0];
    if (id === last) continue;
    last = id;
    if (dbs.instances.get(id) === undefined && dbs.partial.get(id) === undefined) {
      problems.push({ id, problem: 'orphan chunks' });
    }
  }
}

/** Reads every stored byte; cost is a full scan of the spool (tests, or opt-in at start). */
export function verify(dbs: SpoolDbs): VerifyReport {
  const problems: VerifyReport['problems'] = [];
  let instances = 0;
  let bytes = 0;
  for (const { value: record } of dbs.instances.getRange({ snapshot: true })) {
    instances++;
    bytes += record.bytes;
    verifyRecord(dbs, record, problems);
  }
  orphanChunks(dbs, problems);
  const c = readCounters(dbs);
  if (c.instances !== instances) problems.push({ id: 0, problem: `counter says ${c.instances} instances, found ${instances}` });
  if (c.bytesUsed !== bytes) problems.push({ id: 0, problem: `counter says ${c.bytesUsed} bytes, found ${bytes}` });
  return { instances, bytes, problems };
}
