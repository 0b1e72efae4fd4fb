// Spool layer: one instance being received. Streams dataset bytes into chunk-sized LMDB values with
// back-pressure and an incremental CRC-32C (digest.ts), then commits everything durably in one transaction.
// It must not know about sockets or DIMSE, and never holds more than a few chunks in memory.
import { GatewayError, ERROR_CODES } from '../errors.js';
import type { Logger } from '../log.js';
import type { ChunkPool } from './chunk-pool.js';
import { createDigest, type Digest } from './digest.js';
import { durable, type SpoolDbs } from './env.js';
import { commitInstanceTxn, deleteInstanceTxn, PURGE_BATCH_CHUNKS, removeChunksTxn } from './records.js';
import type { InstanceAttrs, InstanceInfo, InstanceRecord } from './types.js';

/** What a writer needs from its Spool (implemented there; keeps this module free of Spool itself). */
export interface WriterHost {
  readonly dbs: SpoolDbs;
  readonly pool: ChunkPool;
  /** Chunk puts allowed in flight before write() returns a promise. */
  readonly maxPendingChunks: number;
  readonly log: Logger;
  /** False once the spool is closed: writers then stop; recovery at the next open removes their chunks. */
  isOpen(): boolean;
  /** Persists the partial marker (and the id counter) before the first chunk; resolves on commit. */
  markPartial(id: number, info: InstanceInfo): Promise<unknown>;
  /** Counts `bytes` against the size limit; throws GW_ERR_SPOOL_FULL if it would be passed. */
  reserve(bytes: number): void;
  /** Gives back reserved bytes (abort) or moves them to "used" (commit, committed = true). */
  unreserve(bytes: number): void;
  /** Called with the new record (and a replaced one) after a durable commit. */
  committed(record: InstanceRecord, replaced: InstanceRecord | undefined): void;
  /**
   * Runs `fn` as one write transaction and resolves once it is committed and fdatasync'd; the Spool
   * picks how (env.ts `commitSync` for a lone writer, else a group commit through `durable()`).
   */
  commitDurably<T>(fn: () => T): Promise<T>;
  /** This writer is done (committed, or aborted/failed and cleaned up). Called exactly once. */
  writerEnded(): void;
  ioError(err: unknown): GatewayError;
}

export interface SpoolWriter {
  /**
   * Appends dataset bytes. Full chunks are put into LMDB as they fill (committed in the background, not
   * awaited for durability). Returns a promise when more than a few chunks are pending: await it before
   * the next write so memory stays bounded.
   * @throws GatewayError GW_ERR_SPOOL_FULL when the size limit would be passed (the writer then aborts
   *   itself: its partial chunks are removed); GW_ERR_SPOOL_IO after a failed chunk write;
   *   GW_ERR_SPOOL_STATE after commit/abort.
   */
  write(chunk: Buffer): void | Promise<void>;
  /**
   * Writes the last chunk, the record, the SOP Instance UID index and one queue entry per destination in
   * ONE transaction and resolves only once that transaction is fdatasync'd. A re-sent SOP Instance UID
   * replaces the older instance (docs/spool.md "Replace policy").
   * @throws GatewayError GW_ERR_SPOOL_IO, GW_ERR_SPOOL_FULL (from an earlier write), GW_ERR_SPOOL_STATE.
   */
  commit(attrs: InstanceAttrs, destinations: string[]): Promise<InstanceRecord>;
  /** Removes the partial chunks and the marker. Safe to call more than once and after a failure. */
  abort(): Promise<void>;
  readonly id: number;
  readonly bytesWritten: number;
}

type State = 'open' | 'committing' | 'committed' | 'aborted' | 'failed';

export class ChunkedWriter implements SpoolWriter {
  readonly id: number;
  private readonly host: WriterHost;
  private readonly info: InstanceInfo;
  private readonly hash: Digest = createDigest();
  private state: State = 'open';
  private error: GatewayError | undefined;
  private written = 0;
  private seq = 0;
  private cur: Buffer | null = null;
  private curLen = 0;
  private inFlight = 0;
  /** Full chunks not yet put: an instance of at most maxPendingChunks chunks is written entirely by
   *  its commit transaction (one LMDB round trip instead of three); a larger one streams them out. */
  private deferred: Buffer[] = [];
  private waiters: Array<{ limit: number; resolve: () => void }> = [];
  private aborting: Promise<void> | undefined;
  private committing: Promise<InstanceRecord> | undefined;
  private hasEnded = false;

  constructor(host: WriterHost, id: number, info: InstanceInfo) {
    this.host = host;
    this.id = id;
    this.info = info;
  }

  get bytesWritten(): number {
    return this.written;
  }

  write(chunk: Buffer): void | Promise<void> {
    this.assertOpen();
    try {
      this.host.reserve(chunk.length);
    } catch (err) {
      this.fail(err as GatewayError);
      throw err;
    }
    this.written += chunk.length;
    this.hash.update(chunk);
    this.copyIn(chunk);
    if (this.inFlight > this.host.maxPendingChunks) return this.drain(this.host.maxPendingChunks);
  }

  commit(attrs: InstanceAttrs, destinations: string[]): Promise<InstanceRecord> {
    try {
      this.assertOpen();
    } catch (err) {
      return Promise.reject(err);
    }
    this.state = 'committing';
    this.committing = this.doCommit(attrs, destinations);
    return this.committing;
  }

  private async doCommit(attrs: InstanceAttrs, destinations: string[]): Promise<InstanceRecord> {
    await this.drain(0);
    if (this.error) throw this.error;
    const tail = [...this.deferred];
    if (this.curLen > 0 && this.cur) tail.push(this.cur.subarray(0, this.curLen));
    const record = this.record(attrs, destinations, this.seq + tail.length);
    const { dbs } = this.host;
    try {
      const now = Date.now();
      const result = await this.host.commitDurably(() => commitInstanceTxn(dbs, record, tail, now));
      this.state = 'committed';
      this.releaseDeferred();
      this.releaseCur();
      this.host.unreserve(this.written);
      this.host.committed(record, result.replaced);
      this.ended();
      return record;
    } catch (err) {
      this.fail(this.host.ioError(err));
      throw this.error;
    }
  }

  abort(): Promise<void> {
    if (this.state === 'committed') return Promise.resolve();
    // Racing a commit: the commit decides; a failed commit has already started removing everything.
    if (this.state === 'committing' && this.committing) {
      return this.committing.then(() => undefined, () => this.aborting);
    }
    if (this.state !== 'failed' && this.state !== 'aborted') this.state = 'aborted';
    this.aborting ??= this.removePartial();
    return this.aborting;
  }

  private async removePartial(): Promise<void> {
    await this.drain(0);
    this.releaseDeferred();
    this.releaseCur();
    if (!this.host.isOpen()) {
      this.ended();
      return; // the next open's recovery removes the partial instance
    }
    const { dbs } = this.host;
    try {
      await durable(dbs, dbs.root.transaction(() => {
        // A commit whose flush failed may have left its record: take the whole instance out then.
        if (dbs.instances.get(this.id)) {
          deleteInstanceTxn(dbs, this.id, true);
          dbs.partial.remove(this.id);
        } else if (this.seq > PURGE_BATCH_CHUNKS && dbs.onPurgeQueued) {
          // A large partial (an abort late in a multi-GB transfer) is purged in bounded transactions,
          // like a deleted instance, so that this one does not hold the write lock and LMDB's free
          // list for thousands of chunks (records.ts PURGE_BATCH_CHUNKS).
          const marker = dbs.partial.get(this.id);
          dbs.partial.put(this.id, { startedAt: marker?.startedAt ?? Date.now(), sopInstanceUid: this.info.sopInstanceUid,
            purging: true, chunkBytes: this.host.pool.chunkSize });
          dbs.onPurgeQueued();
        } else {
          removeChunksTxn(dbs, this.id);
          dbs.partial.remove(this.id);
        }
      }));
    } catch (err) {
      throw this.host.ioError(err);
    } finally {
      this.host.unreserve(this.written);
      this.written = 0;
      this.ended();
    }
  }

  private ended(): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    this.host.writerEnded();
  }

  private record(attrs: InstanceAttrs, destinations: string[], chunks: number): InstanceRecord {
    const i = this.info;
    return {
      id: this.id,
      sopClassUid: i.sopClassUid,
      sopInstanceUid: i.sopInstanceUid,
      ...(attrs.studyInstanceUid ? { studyInstanceUid: attrs.studyInstanceUid } : {}),
      ...(attrs.seriesInstanceUid ? { seriesInstanceUid: attrs.seriesInstanceUid } : {}),
      ...(attrs.modality ? { modality: attrs.modality } : {}),
      transferSyntax: i.transferSyntax,
      bytes: this.written,
      chunks,
      digest: this.hash.digest(),
      callingAe: i.callingAe,
      calledAe: i.calledAe,
      peer: i.peer,
      receivedAt: new Date().toISOString(),
      destinations: [...new Set(destinations)],
    };
  }

  private copyIn(chunk: Buffer): void {
    const size = this.host.pool.chunkSize;
    let off = 0;
    while (off < chunk.length) {
      this.cur ??= this.host.pool.acquire();
      const n = chunk.copy(this.cur, this.curLen, off, Math.min(chunk.length, off + size - this.curLen));
      off += n;
      this.curLen += n;
      if (this.curLen === size) this.putFull();
    }
  }

  /** Sets the filled current buffer aside; once more than maxPendingChunks are waiting, puts them all. */
  private putFull(): void {
    this.deferred.push(this.cur as Buffer);
    this.cur = null;
    this.curLen = 0;
    if (this.deferred.length > this.host.maxPendingChunks) this.putDeferred();
  }

  /** Puts the waiting chunks as `seq`, `seq`+1…; each returns to the pool once committed. */
  private putDeferred(): void {
    // The marker goes in the same event turn, so the same transaction, as the first chunk: an instance
    // that never needs an early put costs a single transaction (its commit) and needs no marker at all.
    if (this.seq === 0) this.track(this.host.markPartial(this.id, this.info), null);
    for (const buf of this.deferred) this.track(this.host.dbs.chunks.put([this.id, this.seq++], buf), buf);
    this.deferred = [];
  }

  private releaseDeferred(): void {
    for (const buf of this.deferred) this.host.pool.release(buf);
    this.deferred = [];
  }

  private track(p: Promise<unknown>, buf: Buffer | null): void {
    this.inFlight++;
    p.then(
      () => {
        if (buf) this.host.pool.release(buf);
        this.settled();
      },
      (err: unknown) => {
        this.fail(this.host.ioError(err));
        this.settled();
      },
    );
  }

  private settled(): void {
    this.inFlight--;
    this.waiters = this.waiters.filter((w) => {
      if (this.inFlight > w.limit) return true;
      w.resolve();
      return false;
    });
  }

  private drain(limit: number): Promise<void> {
    if (this.inFlight <= limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ limit, resolve }));
  }

  private releaseCur(): void {
    if (this.cur) this.host.pool.release(this.cur);
    this.cur = null;
    this.curLen = 0;
  }

  /** First error wins; the writer stops accepting and removes what it wrote. */
  private fail(err: GatewayError): void {
    if (this.error) return;
    this.error = err;
    if (this.state === 'committed') return;
    this.state = 'failed';
    this.host.log.debug({ id: this.id, code: err.code }, 'spool writer failed');
    void this.abort().catch((e: unknown) => this.host.log.error({ err: e, id: this.id }, 'spool abort failed'));
  }

  private assertOpen(): void {
    if (this.error) throw this.error;
    if (!this.host.isOpen()) throw new GatewayError(ERROR_CODES.SPOOL_STATE, 'spool is closed');
    if (this.state !== 'open') {
      throw new GatewayError(ERROR_CODES.SPOOL_STATE, `spool writer ${this.id} is ${this.state}`);
    }
  }
}
