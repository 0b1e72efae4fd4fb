// Spool layer: the durable store behind every C-STORE Success. One LMDB environment holds instance
// bytes in bounded chunks, the records, the SOP Instance UID index and the per-destination queue.
// It must not import net/, services/ or forward/: callers hand it bytes and destination names.
import { mkdirSync } from 'node:fs';
import { crc32cImplementation } from '../native/binding.js';
import { GatewayError, ERROR_CODES, describe } from '../errors.js';
import type { Logger } from '../log.js';
import { ChunkPool, type ChunkLease } from './chunk-pool.js';
import { commitSync, destRange, durable, observeCommitError, openDbs, SCHEMA_VERSION, type QueueKey, type SpoolDbs } from './env.js';
import { lockSpoolDir } from './lock.js';
import { MappedPages } from './mapped.js';
import { decideMaxBytes, freeBytes } from './max-bytes.js';
import * as q from './queue.js';
import { deleteInstanceTxn, META, PURGE_BATCH_CHUNKS, purgeStepTxn, readCounters } from './records.js';
import { recoverNextId, removePartialsTxn, verify } from './recovery.js';
import { ChunkedWriter, type SpoolWriter, type WriterHost } from './writer.js';
import type {
  InstanceInfo, InstanceRecord, QueueEntry, QueueItem, SpoolHealth, SpoolOptions, SpoolStats, VerifyReport,
} from './types.js';

export const DEFAULT_CHUNK_SIZE = 256 * 1024;
/** Below this much free space on the file system the spool refuses new instances (LMDB needs room). */
export const FS_RESERVE_BYTES = 64 * 1024 * 1024;
const NEXT_QUEUED_SCAN_CAP = 100_000;

/** Instances are committed on the event loop's thread (commitDurably) only after this long without
 *  two of them open at once. */
export const LONE_SENDER_MS = 1000;
/** After a synchronous commit slower than SpoolOptions.slowSyncMs, this long on the group commit. */
export const SLOW_SYNC_HOLD_MS = 60_000;
const DEFAULT_SLOW_SYNC_MS = 50;
/**
 * Deletion of delivered instances (docs/spool.md "Deletion"): sweep() starts once no delivery has
 * finished for SWEEP_LULL_MS, or SWEEP_MAX_DELAY_MS after the first delivery it is to delete at the
 * latest, so a steady stream is swept too and the data file holds at most about that long of delivered
 * data beyond the queue. It deletes up to SWEEP_BATCH instances per transaction, and up to
 * SWEEP_BATCH_CHUNKS of their chunks (an instance of more than PURGE_BATCH_CHUNKS counts one: its
 * chunks go to the purge), so no transaction holds the event loop long whatever the instances' sizes.
 */
export const SWEEP_LULL_MS = 250;
export const SWEEP_MAX_DELAY_MS = 2000;
export const SWEEP_BATCH = 256;
/** Retained instances deleted per transaction when the limit needs their room before their retention ends. */
export const ROOM_BATCH = 16;
export const SWEEP_BATCH_CHUNKS = 512;

export class Spool {
  readonly dir: string;
  /** The LMDB handles. For tests and diagnostics only: writes must go through the methods below. */
  readonly dbs: SpoolDbs;
  private readonly log: Logger;
  private readonly host: WriterHost;
  private bytesMax: number;
  private readonly retentionMs: number;
  private nextId: number;
  private reserved = 0;
  private closed = false;
  private lastIoError: string | undefined;
  /** bytesUsed when an instance was last refused for lack of room; cleared by a commit or freed space. */
  private refusedAtUsed: number | undefined;
  /** With a retention: sweep() every min(retention, 1 min). */
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Without one: the next sweep, SWEEP_LULL_MS after the last delivery (sweepSoon). */
  private sweepSoonTimer: NodeJS.Timeout | undefined;
  /** ... and at the latest then (epoch ms; undefined when no sweep is pending). */
  private sweepDeadline: number | undefined;
  /** The running sweep, if any. */
  private sweeping: Promise<number> | undefined;
  private readonly unlock: () => void;
  /** The running purge of deleted instances' chunks (records.ts PURGE_BATCH_CHUNKS), if any. */
  private purging: Promise<void> | undefined;
  /** A purge was asked for while one was running: run another after it. */
  private purgeAgain = false;
  /** Instances begun and not yet committed or cleaned up (commitDurably's choice). */
  private openWriters = 0;
  /** When an instance last began while another was open (performance.now() ms; commitDurably). */
  private concurrentAt = -Infinity;
  /** No synchronous commit before this (performance.now() ms): the last one was slow. */
  private syncHeldUntil = -Infinity;
  private readonly slowSyncMs: number;

  private constructor(opts: SpoolOptions, dbs: SpoolDbs, bytesMax: number, nextId: number, unlock: () => void,
    private readonly mapped: MappedPages) {
    this.dir = opts.dir;
    this.unlock = unlock;
    this.dbs = dbs;
    dbs.onPurgeQueued = () => this.schedulePurge();
    this.log = opts.log;
    this.bytesMax = bytesMax;
    this.nextId = nextId;
    this.retentionMs = opts.retentionMs ?? 0;
    this.slowSyncMs = opts.slowSyncMs ?? DEFAULT_SLOW_SYNC_MS;
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    // About 1 MiB in flight per writer: enough to keep the LMDB writer thread busy, bounded memory.
    const maxPendingChunks = Math.max(2, Math.ceil((1024 * 1024) / chunkSize));
    this.host = {
      dbs, log: opts.log, maxPendingChunks, pool: new ChunkPool(chunkSize, 4 * (maxPendingChunks + 1)),
      isOpen: () => !this.closed,
      markPartial: (id, info) => this.markPartial(id, info),
      reserve: (bytes) => this.reserve(bytes),
      unreserve: (bytes) => {
        this.reserved = Math.max(0, this.reserved - bytes);
      },
      committed: (record, replaced) => this.onCommitted(record, replaced),
      commitDurably: (fn) => this.commitDurably(fn),
      writerEnded: () => {
        this.openWriters = Math.max(0, this.openWriters - 1);
      },
      ioError: (err) => this.ioError(err),
    };
    if (this.retentionMs > 0) {
      this.sweepTimer = setInterval(() => void this.sweep().catch((err: unknown) => this.ioError(err)),
        Math.min(this.retentionMs, 60_000));
      this.sweepTimer.unref();
    } else if (this.dueForSweep(Date.now(), 1).length > 0) {
      this.sweepSoon(); // delivered before a stop or crash, not yet deleted
    }
  }

  /**
   * mkdir -p, opens the environment, removes instances that never committed, decides maxBytes.
   * @throws GatewayError GW_ERR_ARGUMENT (bad options), GW_ERR_SPOOL_STATE (spool written by a newer
   *   schema), GW_ERR_SPOOL_IO (LMDB could not open).
   */
  static async open(opts: SpoolOptions): Promise<Spool> {
    checkOptions(opts);
    mkdirSync(opts.dir, { recursive: true });
    const unlock = lockSpoolDir(opts.dir);
    let dbs: SpoolDbs;
    try {
      dbs = openDbs(opts.dir);
    } catch (err) {
      unlock();
      throw new GatewayError(ERROR_CODES.SPOOL_IO, `spool ${opts.dir}: cannot open LMDB environment`, { cause: err });
    }
    try {
      return await Spool.recover(opts, dbs, unlock);
    } catch (err) {
      await dbs.root.close();
      unlock();
      if (err instanceof GatewayError) throw err;
      throw new GatewayError(ERROR_CODES.SPOOL_IO, `spool ${opts.dir}: recovery failed`, { cause: err });
    }
  }

  /** Schema check, maxBytes decision, crash recovery (partials, 'sending' entries), optional verify. */
  private static async recover(opts: SpoolOptions, dbs: SpoolDbs, unlock: () => void): Promise<Spool> {
    const schema = dbs.meta.get(META.schemaVersion) as number | undefined;
    if (schema !== undefined && schema > SCHEMA_VERSION) {
      throw new GatewayError(ERROR_CODES.SPOOL_STATE, `spool ${opts.dir}: schema ${schema} is newer than ${SCHEMA_VERSION}`);
    }
    const max = decideMaxBytes(opts.maxBytes, dbs.meta.get(META.maxBytes) as number | undefined, opts.dir);
    const now = Date.now();
    // Removing chunks maps their pages, a big partial's too: counted from recovery on. A chunk of
    // unknown size (a partial's) counts as a full one.
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const mapped = new MappedPages(opts.dir, opts.log);
    dbs.onChunkMapped = (bytes) => mapped.add(bytes ?? chunkSize);
    const recovered = await durable(dbs, dbs.root.transaction(() => {
      dbs.meta.put(META.schemaVersion, SCHEMA_VERSION);
      if (max.source === 'free-space') dbs.meta.put(META.maxBytes, max.maxBytes);
      return { partials: removePartialsTxn(dbs), requeued: q.requeueSendingTxn(dbs, now) };
    }));
    const c = readCounters(dbs);
    opts.log.info({ dir: opts.dir, maxBytes: max.maxBytes, maxBytesFrom: max.source, instances: c.instances,
      bytesUsed: c.bytesUsed, partialsRemoved: recovered.partials.length, requeued: recovered.requeued,
      digest: `crc32c (${crc32cImplementation()})` }, 'spool open');
    if (opts.verifyOnOpen) {
      const report = verify(dbs);
      const level = report.problems.length ? 'error' : 'info';
      opts.log[level]({ instances: report.instances, problems: report.problems.slice(0, 20) }, 'spool verified');
    }
    return new Spool(opts, dbs, max.maxBytes, recoverNextId(dbs), unlock, mapped);
  }

  /** Changes the size limit live (a config change); instances already stored are never removed for it. */
  setMaxBytes(bytes: number): void {
    if (!(Number.isSafeInteger(bytes) && bytes > 0)) throw bad('maxBytes', 'a positive integer', bytes);
    this.bytesMax = bytes;
    this.log.info({ maxBytes: bytes }, 'spool limit changed');
  }

  stats(): SpoolStats {
    const c = readCounters(this.dbs);
    const queued: Record<string, number> = {};
    for (const d of q.activeDestinations(this.dbs)) queued[d] = this.dbs.queue.getCount(destRange(d));
    return { bytesUsed: c.bytesUsed, bytesMax: this.bytesMax, instances: c.instances, queued };
  }

  /**
   * For readiness (/readyz): also full while the last instance was refused for lack of room and no
   * room was freed since (bytesUsed not below the figure at that refusal) and nothing committed since,
   * so an operator sees "spool full" whenever senders get Out of Resources.
   */
  health(): SpoolHealth {
    const h = this.capacity();
    if (h.writable && !h.full && this.refusedAtUsed !== undefined) {
      if (readCounters(this.dbs).bytesUsed >= this.refusedAtUsed) return { writable: true, full: true, reason: 'spool full' };
      this.refusedAtUsed = undefined;
    }
    return h;
  }

  /** Whether a new instance can begin at all (limit reached, file system full, closed, i/o error). */
  private capacity(): SpoolHealth {
    if (this.closed) return { writable: false, full: false, reason: 'spool closed' };
    if (this.lastIoError) return { writable: false, full: false, reason: `spool i/o error: ${this.lastIoError}` };
    // Bytes to free before anything can begin: at the limit, at least one.
    const missing = (): number => readCounters(this.dbs).bytesUsed + this.reserved - this.bytesMax + 1;
    if (missing() > 0 && (!this.sweepForRoom(missing) || missing() > 0)) return { writable: true, full: true, reason: 'spool full' };
    if (freeBytes(this.dir) < FS_RESERVE_BYTES) return { writable: true, full: true, reason: 'file system full' };
    return { writable: true, full: false };
  }

  /**
   * Starts receiving one instance; its id is allocated now (arrival order).
   * @throws GatewayError GW_ERR_SPOOL_FULL (limit reached, expectedBytes too large, file system full),
   *   GW_ERR_SPOOL_STATE (closed).
   */
  beginInstance(info: InstanceInfo): SpoolWriter {
    if (this.closed) throw new GatewayError(ERROR_CODES.SPOOL_STATE, 'spool is closed');
    const h = this.capacity();
    if (h.full) throw new GatewayError(ERROR_CODES.SPOOL_FULL, h.reason ?? 'spool full');
    if (info.expectedBytes !== undefined) this.checkRoom(info.expectedBytes);
    const id = this.nextId++;
    this.log.debug({ id, sopClassUid: info.sopClassUid }, 'spool instance begin');
    const writer = new ChunkedWriter(this.host, id, info);
    if (++this.openWriters > 1) this.concurrentAt = performance.now();
    return writer;
  }

  get(id: number): InstanceRecord | undefined {
    return this.dbs.instances.get(id);
  }

  findBySopInstanceUid(uid: string): InstanceRecord | undefined {
    const id = this.dbs.bySopInstance.get(uid);
    return id === undefined ? undefined : this.dbs.instances.get(id);
  }

  /**
   * The stored dataset bytes, chunk by chunk (one chunk in memory at a time). With a lease, chunks are
   * copied into its pooled buffers (the caller gives them back once nothing references them).
   * `record`: the instance's record when the caller holds it already (a QueueItem's; a record never
   * changes once committed), which saves reading and decoding it again for every instance forwarded.
   * @throws GatewayError GW_ERR_SPOOL_NOT_FOUND when the instance is unknown or was deleted/replaced
   *   while being read.
   */
  async *readDataset(id: number, lease?: ChunkLease, known?: InstanceRecord): AsyncGenerator<Buffer> {
    if (known && known.id !== id) throw new GatewayError(ERROR_CODES.ARGUMENT, `readDataset: record ${known.id} given for instance ${id}`);
    const record = known ?? this.get(id);
    if (!record) throw new GatewayError(ERROR_CODES.SPOOL_NOT_FOUND, `spool instance ${id} not found`);
    for (let seq = 0; seq < record.chunks; seq++) {
      // getBinaryFast leaves the value in lmdb-js's shared buffer (valid until the next get): one copy
      // into a pooled or new buffer, where getBinary would copy twice and allocate.
      const value = this.dbs.chunks.getBinaryFast([id, seq]) as Uint8Array | undefined;
      if (!value) throw new GatewayError(ERROR_CODES.SPOOL_NOT_FOUND, `spool instance ${id} chunk ${seq} is gone`);
      const n = value.length;
      const chunk = lease ? lease.take(n) : Buffer.allocUnsafeSlow(n);
      chunk.set(new Uint8Array(value.buffer, value.byteOffset, n));
      this.mapped.add(n);
      yield chunk;
    }
  }

  verify(): VerifyReport {
    return verify(this.dbs);
  }

  // ---- forwarding queue (states: docs/spool.md "Queue") ----

  /** Due entries ('queued', nextAttemptAt <= now) of one destination, in id order. */
  nextQueued(destination: string, now: number, limit: number): QueueItem[] {
    return q.nextQueued(this.dbs, destination, now, limit, NEXT_QUEUED_SCAN_CAP);
  }

  /**
   * queued → forwarded (moved to the ledger) for each delivery, in one transaction; deletes each
   * instance whose destinations are all done, at once or after the retention. Resolves once committed,
   * not synced: losing it to a power cut means those instances are sent again — the same bytes, a
   * duplicate the PACS treats as a re-send (issue #4 allows exactly that) — and forwarding does not
   * wait for an fdatasync. One result per delivery; undefined where the entry is gone (replaced).
   */
  markForwarded(destination: string, deliveries: readonly q.Delivery[], now = Date.now()): Promise<Array<QueueEntry | undefined>> {
    const done = this.txn(() => deliveries.map((d) => q.markForwardedTxn(this.dbs, destination, d, now)), false);
    this.sweepSoon();
    return done;
  }

  /** → queued again at retryAt (default back-off), or → dead when permanent. */
  markFailed(destination: string, id: number, info: q.FailureInfo, now = Date.now()): Promise<QueueEntry | undefined> {
    return this.txn(() => q.markFailedTxn(this.dbs, [destination, id], info, now));
  }

  retryDead(destination: string, id: number, now = Date.now()): Promise<QueueEntry | undefined> {
    return this.txn(() => q.retryDeadTxn(this.dbs, [destination, id], now));
  }

  discardDead(destination: string, id: number, now = Date.now()): Promise<QueueEntry | undefined> {
    const gone = this.txn(() => q.discardDeadTxn(this.dbs, [destination, id], now));
    this.sweepSoon();
    return gone;
  }

  /** Routes a stored instance to one more destination (no-op when already queued or dead there). */
  enqueue(destination: string, id: number, now = Date.now()): Promise<QueueEntry | undefined> {
    return this.txn(() => q.enqueueTxn(this.dbs, [destination, id], now));
  }

  /** Instances stored while no destination was routed for them (kept until one exists, CONTRACT.md). */
  unrouted(): InstanceRecord[] {
    const out: InstanceRecord[] = [];
    for (const { value } of this.dbs.instances.getRange({})) if (value.destinations.length === 0) out.push(value);
    return out;
  }

  listDead(destination?: string): QueueEntry[] {
    return q.listDead(this.dbs, destination);
  }

  /** The delivery entry for (destination, id) wherever it is: queue, dead letters or ledger. */
  entry(destination: string, id: number): QueueEntry | undefined {
    return q.findEntry(this.dbs, [destination, id] as QueueKey);
  }

  oldestQueuedAt(destination: string): number | undefined {
    return q.oldestQueuedAt(this.dbs, destination);
  }

  /**
   * Deletes delivered instances whose retention (if any) has passed, in transactions bounded by
   * SWEEP_BATCH and SWEEP_BATCH_CHUNKS (sweepTxn); resolves with how many. Runs by itself (sweepSoon, or the retention's timer); one at a time.
   * Committed, not synced: a deletion lost to a crash is done again, the `retained` marker being lost
   * with it.
   */
  sweep(now = Date.now()): Promise<number> {
    const run = (this.sweeping ?? Promise.resolve(0)).catch(() => 0).then(async () => {
      let n = 0;
      for (;;) {
        const due = this.dueForSweep(now, SWEEP_BATCH);
        if (due.length === 0) break;
        const step = await this.txn(() => sweepTxn(this.dbs, due), false);
        n += step.deleted;
        if (due.length < SWEEP_BATCH && step.done === due.length) break;
      }
      if (n > 0) this.log.debug({ instances: n }, 'spool swept');
      return n;
    });
    this.sweeping = run;
    void run.finally(() => {
      if (this.sweeping === run) this.sweeping = undefined;
    }).catch(() => undefined);
    return run;
  }

  /** Up to `limit` instances marked for deletion whose retention has passed, in id order. */
  private dueForSweep(now: number, limit: number): number[] {
    const due: number[] = [];
    for (const { key, value } of this.dbs.retained.getRange({})) {
      if (value + this.retentionMs <= now) due.push(key);
      if (due.length >= limit) break;
    }
    return due;
  }

  /** Without a retention: a sweep once deliveries pause (SWEEP_LULL_MS), SWEEP_MAX_DELAY_MS at most. */
  private sweepSoon(): void {
    if (this.retentionMs > 0 || this.closed) return;
    const now = Date.now();
    this.sweepDeadline ??= now + SWEEP_MAX_DELAY_MS;
    // While deliveries keep coming (a batch every few C-STOREs), the pending lull timer starts over
    // in place, unless a whole lull would pass the deadline.
    if (this.sweepSoonTimer && now + SWEEP_LULL_MS <= this.sweepDeadline) {
      this.sweepSoonTimer.refresh();
      return;
    }
    const delay = Math.max(0, Math.min(SWEEP_LULL_MS, this.sweepDeadline - now));
    if (this.sweepSoonTimer) clearTimeout(this.sweepSoonTimer);
    this.sweepSoonTimer = setTimeout(() => {
      this.sweepSoonTimer = undefined;
      this.sweepDeadline = undefined;
      void this.sweep().catch((err: unknown) => this.ioError(err));
    }, delay);
    this.sweepSoonTimer.unref();
  }

  /**
   * Makes room at the limit from delivered instances, synchronously (the caller is about to refuse):
   * first those past their retention (all of them without one), then, while `missing()` bytes are
   * still wanted, the oldest retained ones, just enough of them by their size (ROOM_BATCH at most per
   * transaction): the size limit holds over the retention (issue #4). True when anything was deleted.
   */
  private sweepForRoom(missing: () => number): boolean {
    let n = 0;
    const now = Date.now();
    while (!this.closed) {
      const due = this.dueForSweep(now, SWEEP_BATCH);
      if (due.length === 0) break;
      n += commitSync(this.dbs, () => sweepTxn(this.dbs, due)).deleted;
    }
    let early = 0;
    for (let want = missing(); !this.closed && this.retentionMs > 0 && want > 0; want = missing()) {
      const oldest: number[] = [];
      for (const id of this.dueForSweep(Number.POSITIVE_INFINITY, ROOM_BATCH)) {
        oldest.push(id);
        want -= this.get(id)?.bytes ?? 0;
        if (want <= 0) break;
      }
      if (oldest.length === 0) break;
      early += commitSync(this.dbs, () => sweepTxn(this.dbs, oldest)).deleted;
    }
    if (n > 0) this.log.debug({ instances: n }, 'spool swept for room');
    if (early > 0) this.log.info({ instances: early, retentionMs: this.retentionMs }, 'spool limit: retained instances deleted before their retention ended');
    return n + early > 0;
  }

  /**
   * Removes the chunks of deleted large instances, PURGE_BATCH_CHUNKS per transaction, then their
   * `purging` markers. Committed, not synced: a purge lost to a crash is redone by recovery (the
   * markers are partial markers). Resolves when nothing is left to purge or the spool closes.
   */
  async purge(): Promise<void> {
    this.schedulePurge();
    // A purge asked for while one ran starts when that one ends: wait for the chain.
    while (this.purging) await this.purging;
  }

  private schedulePurge(): void {
    if (this.purging) {
      this.purgeAgain = true;
      return;
    }
    // Started on a later turn: the deleting transaction (still running when this is called from it)
    // commits first, and LMDB applies write transactions in order.
    this.purging = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.purgeLoop())
      .catch((err: unknown) => {
        if (!this.closed) this.ioError(err);
      })
      .finally(() => {
        this.purging = undefined;
        if (this.purgeAgain && !this.closed) {
          this.purgeAgain = false;
          this.schedulePurge();
        }
      });
  }

  /** Purge transactions until one finds no marker left. A deletion that queues a purge while this runs
   *  sets `purgeAgain`, so a marker committed after the last step is still picked up. */
  private async purgeLoop(): Promise<void> {
    while (!this.closed && (await this.txn(() => purgeStepTxn(this.dbs), false))) {
      // each step is its own bounded transaction
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.sweepSoonTimer) clearTimeout(this.sweepSoonTimer);
    await this.sweeping?.catch(() => undefined);
    await this.purging;
    await this.dbs.root.flushed;
    await this.dbs.root.close();
    this.unlock();
    this.log.info({ dir: this.dir }, 'spool closed');
  }

  // ---- for the writers (through this.host) ----

  private markPartial(id: number, info: InstanceInfo): Promise<unknown> {
    this.dbs.meta.put(META.nextId, this.nextId).catch((err: unknown) => this.ioError(err));
    return this.dbs.partial.put(id, { startedAt: Date.now(), sopInstanceUid: info.sopInstanceUid });
  }

  private reserve(bytes: number): void {
    if (this.closed) throw new GatewayError(ERROR_CODES.SPOOL_STATE, 'spool is closed');
    this.checkRoom(bytes);
    this.reserved += bytes;
  }

  private onCommitted(record: InstanceRecord, replaced: InstanceRecord | undefined): void {
    this.lastIoError = undefined; // a durable commit went through: the disk works again
    this.refusedAtUsed = undefined; // and there was room for it
    // Committing maps pages too: receiving 1000 × 512 KiB on 4 associations left 37 MiB of data.mdb
    // resident in the daemon (RssFile 45 → 86 MiB) until dropped like reads are.
    this.mapped.add(record.bytes);
    this.log.debug({ id: record.id, bytes: record.bytes, chunks: record.chunks, replacedId: replaced?.id },
      'spool instance committed');
  }

  private ioError(err: unknown): GatewayError {
    if (err instanceof GatewayError) return err;
    const message = err instanceof Error ? err.message : String(err);
    this.lastIoError = message;
    // lmdb-js delivers the system error (EIO, ENOSPC…) a moment later; health() then shows it.
    observeCommitError(err, (cause) => {
      if (this.lastIoError === message) this.lastIoError = cause instanceof Error ? cause.message : String(cause);
    });
    this.log.error({ err }, 'spool i/o error');
    return new GatewayError(ERROR_CODES.SPOOL_IO, `spool write failed: ${message}`, { cause: err });
  }

  private checkRoom(bytes: number): void {
    let used = readCounters(this.dbs).bytesUsed + this.reserved;
    const missing = (): number => readCounters(this.dbs).bytesUsed + this.reserved + bytes - this.bytesMax;
    if (used + bytes > this.bytesMax && this.sweepForRoom(missing)) used = readCounters(this.dbs).bytesUsed + this.reserved;
    if (used + bytes > this.bytesMax) {
      this.refusedAtUsed = readCounters(this.dbs).bytesUsed;
      throw new GatewayError(ERROR_CODES.SPOOL_FULL, `spool full: ${used} + ${bytes} bytes would pass ${this.bytesMax}`);
    }
  }

  /**
   * An instance's commit, resolved once durable (docs/spool.md "Lone sender"). A lone sender (no two
   * instances open at once for LONE_SENDER_MS) waits for each acknowledgement before it sends more,
   * and no other commit could share the sync: commit on this thread (env.ts commitSync), without the
   * hand-offs to and from lmdb-js's writer thread. Otherwise join the group commit, where concurrent
   * instances share one fdatasync and the event loop keeps reading the other associations meanwhile.
   * A slow disk (a synchronous commit over slowSyncMs) also gets the group commit, for
   * SLOW_SYNC_HOLD_MS: the event loop must not wait on it (other associations, /healthz, the watchdog).
   */
  private commitDurably<T>(fn: () => T): Promise<T> {
    const t0 = performance.now();
    if (this.openWriters > 1 || t0 - this.concurrentAt < LONE_SENDER_MS || t0 < this.syncHeldUntil) {
      return durable(this.dbs, this.dbs.root.transaction(fn));
    }
    try {
      const value = commitSync(this.dbs, fn);
      const ms = performance.now() - t0;
      if (ms > this.slowSyncMs) {
        this.syncHeldUntil = t0 + ms + SLOW_SYNC_HOLD_MS;
        this.log.warn({ ms: Math.round(ms), holdMs: SLOW_SYNC_HOLD_MS }, 'slow synchronous commit: group commits for a while');
      }
      return Promise.resolve(value);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** One write transaction; resolves when it is synced (`sync`, the default) or only committed. */
  private txn<T>(fn: () => T, sync = true): Promise<T> {
    if (this.closed) return Promise.reject(new GatewayError(ERROR_CODES.SPOOL_STATE, 'spool is closed'));
    const committed = this.dbs.root.transaction(fn);
    return (sync ? durable(this.dbs, committed) : committed).then(
      (value) => {
        this.lastIoError = undefined;
        return value;
      },
      (err: unknown) => {
        throw this.ioError(err);
      },
    );
  }
}

/**
 * Deletes the instances `ids` (marked in `retained`) in order, until SWEEP_BATCH_CHUNKS of their chunks
 * (at least one instance); a marker whose instance is gone just goes. `done`: how many of `ids`.
 */
function sweepTxn(dbs: SpoolDbs, ids: readonly number[]): { deleted: number; done: number } {
  let deleted = 0;
  let chunks = 0;
  let done = 0;
  for (const id of ids) {
    // Listed before this transaction ran: one queued again since (enqueue: a re-send) is no longer
    // marked, and is not deleted.
    if (dbs.retained.get(id) === undefined) {
      done++;
      continue;
    }
    const record = dbs.instances.get(id);
    const cost = record && record.chunks <= PURGE_BATCH_CHUNKS ? record.chunks : 1;
    if (done > 0 && chunks + cost > SWEEP_BATCH_CHUNKS) break;
    if (record) {
      deleteInstanceTxn(dbs, record);
      deleted++;
    } else {
      dbs.retained.remove(id);
    }
    chunks += cost;
    done++;
  }
  return { deleted, done };
}

function bad(key: string, expected: string, found: unknown): GatewayError {
  return new GatewayError(ERROR_CODES.ARGUMENT, `spool ${key}: expected ${expected}, found ${describe(found)}`);
}

function checkOptions(opts: SpoolOptions): void {
  if (typeof opts.dir !== 'string' || opts.dir === '') throw bad('dir', 'a directory path', opts.dir);
  if (opts.maxBytes !== null && !(Number.isSafeInteger(opts.maxBytes) && opts.maxBytes > 0)) {
    throw bad('maxBytes', 'null or a positive integer', opts.maxBytes);
  }
  const cs = opts.chunkSize;
  if (cs !== undefined && !(Number.isSafeInteger(cs) && cs >= 1024 && cs <= 16 * 1024 * 1024)) {
    throw bad('chunkSize', 'an integer from 1024 to 16 MiB', cs);
  }
  const r = opts.retentionMs;
  if (r !== undefined && !(Number.isFinite(r) && r >= 0)) throw bad('retentionMs', 'a number >= 0', r);
  const ss = opts.slowSyncMs;
  if (ss !== undefined && !(Number.isFinite(ss) && ss >= 0)) throw bad('slowSyncMs', 'a number >= 0', ss);
}
