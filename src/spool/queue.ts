// Spool layer: the per-destination forwarding queue and delivery ledger. Transaction bodies (…Txn)
// run inside an LMDB transaction callback; readers run on the current snapshot. No retry policy
// beyond a default back-off, no networking: the forward layer decides when and what to send.
import { destRange, type QueueKey, type SpoolDbs } from './env.js';
import { finishIfDeliveredTxn, newQueueEntry } from './records.js';
import type { QueueEntry, QueueItem } from './types.js';

/** Default retry delay after the n-th failed attempt: 30 s doubling, at most 1 h. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** Due 'queued' entries of one destination in id (arrival) order; scans at most `scanCap` entries. */
export function nextQueued(dbs: SpoolDbs, destination: string, now: number, limit: number, scanCap: number): QueueItem[] {
  const out: QueueItem[] = [];
  let scanned = 0;
  for (const { value: entry } of dbs.queue.getRange(destRange(destination))) {
    if (out.length >= limit || ++scanned > scanCap) break;
    if (entry.state !== 'queued' || entry.nextAttemptAt > now) continue;
    const record = dbs.instances.get(entry.id);
    if (record) out.push({ record, entry });
  }
  return out;
}

/** A C-STORE the destination confirmed (Success or Warning): what markForwardedTxn records. */
export interface Delivery {
  id: number;
  status: number;
  transferSyntax: string;
  /** Epoch ms when the C-STORE began; default: `now` of the update. */
  startedAt?: number;
}

/**
 * queued → forwarded (moved to the ledger), counting the attempt that delivered it: no 'sending' state
 * is written while an instance is on the wire (docs/spool.md "Queue"). Once every destination is done,
 * the instance is marked for Spool.sweep() (records.ts finishIfDeliveredTxn).
 */
export function markForwardedTxn(dbs: SpoolDbs, destination: string, d: Delivery, now: number): QueueEntry | undefined {
  const key: QueueKey = [destination, d.id];
  const entry = dbs.queue.get(key);
  if (!entry) return undefined;
  const startedAt = d.startedAt ?? now;
  const done: QueueEntry = {
    ...entry,
    state: 'forwarded',
    attempts: entry.attempts + 1,
    firstAttemptAt: entry.firstAttemptAt ?? startedAt,
    lastAttemptAt: startedAt,
    lastStatus: d.status,
    negotiatedTransferSyntax: d.transferSyntax,
    forwardedAt: now,
  };
  delete done.lastError;
  dbs.queue.remove(key);
  dbs.ledger.put(key, done); // kept while the instance lives (deleteInstanceTxn removes it)
  finishIfDeliveredTxn(dbs, d.id, now);
  return done;
}

export interface FailureInfo {
  status?: number;
  error: string;
  permanent: boolean;
  /** Epoch ms of the next attempt; default now + backoffMs(attempts). */
  retryAt?: number;
}

export function markFailedTxn(dbs: SpoolDbs, key: QueueKey, info: FailureInfo, now: number): QueueEntry | undefined {
  const entry = dbs.queue.get(key);
  if (!entry) return undefined;
  // Every failure is one attempt: a C-STORE that failed, or one that could not begin (association
  // rejected, no context accepted for the SOP Class).
  const base: QueueEntry = {
    ...entry, attempts: entry.attempts + 1, firstAttemptAt: entry.firstAttemptAt ?? now, lastAttemptAt: now, lastError: info.error,
  };
  if (info.status !== undefined) base.lastStatus = info.status;
  if (info.permanent) {
    const dead: QueueEntry = { ...base, state: 'dead' };
    dbs.queue.remove(key);
    dbs.deadLetter.put(key, dead);
    return dead;
  }
  const retry: QueueEntry = { ...base, state: 'queued', nextAttemptAt: info.retryAt ?? now + backoffMs(entry.attempts) };
  dbs.queue.put(key, retry);
  return retry;
}

export function retryDeadTxn(dbs: SpoolDbs, key: QueueKey, now: number): QueueEntry | undefined {
  const entry = dbs.deadLetter.get(key);
  if (!entry) return undefined;
  const again: QueueEntry = { ...entry, state: 'queued', attempts: 0, nextAttemptAt: now };
  dbs.deadLetter.remove(key);
  dbs.queue.put(key, again);
  return again;
}

/** Drops a dead delivery for good; the ledger keeps it (state 'dead', discardedAt) while the instance lives. */
export function discardDeadTxn(dbs: SpoolDbs, key: QueueKey, now: number): QueueEntry | undefined {
  const entry = dbs.deadLetter.get(key);
  if (!entry) return undefined;
  const gone: QueueEntry = { ...entry, discardedAt: now };
  dbs.deadLetter.remove(key);
  dbs.ledger.put(key, gone);
  finishIfDeliveredTxn(dbs, key[1], now);
  return gone;
}

/** Routes an already stored instance to one more destination (e.g. one configured later). */
export function enqueueTxn(dbs: SpoolDbs, key: QueueKey, now: number): QueueEntry | undefined {
  const [destination, id] = key;
  const record = dbs.instances.get(id);
  if (!record) return undefined;
  const existing = dbs.queue.get(key) ?? dbs.deadLetter.get(key);
  if (existing) return existing;
  dbs.ledger.remove(key);
  dbs.retained.remove(id);
  if (!record.destinations.includes(destination)) {
    dbs.instances.put(id, { ...record, destinations: [...record.destinations, destination] });
  }
  const entry = newQueueEntry(destination, id, now);
  dbs.queue.put(key, entry);
  return entry;
}

export function listDead(dbs: SpoolDbs, destination?: string): QueueEntry[] {
  const range = destination === undefined ? {} : destRange(destination);
  return [...dbs.deadLetter.getRange(range)].map(({ value }) => value);
}

/** The delivery entry wherever it lives now (queue, dead letters, ledger). */
export function findEntry(dbs: SpoolDbs, key: QueueKey): QueueEntry | undefined {
  return dbs.queue.get(key) ?? dbs.deadLetter.get(key) ?? dbs.ledger.get(key);
}

/** queuedAt of the lowest-id active entry: ids follow arrival, so this is the oldest waiting instance. */
export function oldestQueuedAt(dbs: SpoolDbs, destination: string): number | undefined {
  for (const { value } of dbs.queue.getRange({ ...destRange(destination), limit: 1 })) return value.queuedAt;
  return undefined;
}

/** Distinct destination names with active entries, by skipping from one name to the next. */
export function activeDestinations(dbs: SpoolDbs): string[] {
  const names: string[] = [];
  let start: QueueKey | [string] | undefined;
  for (;;) {
    const range = start === undefined ? { limit: 1 } : { start, limit: 1 };
    const keys = [...dbs.queue.getKeys(range as { limit: number })];
    if (keys.length === 0) return names;
    const name = (keys[0] as QueueKey)[0];
    names.push(name);
    // [name, '\uffff'] sorts after [name, any number]: numbers order before strings (lmdb ordered-binary).
    start = [name, '\uffff'] as unknown as QueueKey;
  }
}

/** On open: entries left 'sending' go back to 'queued'. Only spools written before pacsgate stopped
 *  recording 'sending' (docs/spool.md "Queue") have them: their process died mid-send. */
export function requeueSendingTxn(dbs: SpoolDbs, now: number): number {
  const sending = [...dbs.queue.getRange({})].filter(({ value }) => value.state === 'sending');
  for (const { key, value } of sending) {
    dbs.queue.put(key, { ...value, state: 'queued', nextAttemptAt: Math.min(value.nextAttemptAt, now) });
  }
  return sending.length;
}
