// Forward layer: delivers one destination's queue (issue #4). `concurrency` lanes, each with its own
// association; an instance's lane is chosen by its Series Instance UID, so a series keeps its arrival
// order. Connection trouble is shared: back-off with jitter, then a circuit breaker that lets a single
// probe association through. It reads the spool and talks to the SCU; it never touches sockets itself.
import type { DestinationConfig } from '../config/types.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AcceptedContext, ScuAssociation, ScuContext, ScuStoreResult } from '../net/types.js';
import type { OpenAssociationOptions } from '../net/scu.js';
import type { Delivery, QueueEntry, QueueItem, InstanceRecord } from '../spool/index.js';
import { statusHex } from '../services/status-codes.js';
import { ChunkLease, ChunkPool } from '../spool/chunk-pool.js';
import { DEFAULT_CHUNK_SIZE } from '../spool/index.js';
import { backoffDelay, classifyRejection, classifyStoreStatus, DEFAULT_BACKOFF, type BackoffPolicy } from './policy.js';
import { canTranscode, COMPRESS_SYNTAX, FALLBACK_SYNTAXES, transcodeStream } from './transcode.js';
import { canEncodeTo, encodable, probeImage } from '../codecs/dataset-encoder.js';

export const DESTINATION_STATES = ['idle', 'sending', 'backoff', 'circuit-open', 'disabled'] as const;
export type DestinationState = (typeof DESTINATION_STATES)[number];

/** What a destination needs from the spool (Spool satisfies it). */
export interface ForwardSpool {
  nextQueued(destination: string, now: number, limit: number): QueueItem[];
  markForwarded(destination: string, deliveries: readonly Delivery[]): Promise<Array<QueueEntry | undefined>>;
  markFailed(destination: string, id: number, info: { status?: number; error: string; permanent: boolean; retryAt?: number }): Promise<QueueEntry | undefined>;
  /** With a lease, chunks come in its pooled buffers (given back once the C-STORE completed); with
   *  the instance's record, it is not read again. */
  readDataset(id: number, lease?: ChunkLease, record?: InstanceRecord): AsyncIterable<Buffer>;
  entry(destination: string, id: number): QueueEntry | undefined;
}

/** What `connect` receives: the SCU's own options (net/scu.ts). */
export type ConnectOptions = OpenAssociationOptions;

export interface DestinationDeps {
  spool: ForwardSpool;
  connect(opts: ConnectOptions): Promise<ScuAssociation>;
  /** Extra decoders (codecs): can `from` be turned into native `to`? Defaults to byte-swap only. */
  canTranscode?(from: string, to: string): boolean;
  transcode?(source: AsyncIterable<Buffer>, from: string, to: string): AsyncIterable<Buffer>;
  log: Logger;
  backoff?: BackoffPolicy;
  /** Failures in a row after which the circuit opens (one probe at a time). Default 3. */
  circuitAfter?: number;
  /** An idle association is released after this long. Default 10 s. */
  idleReleaseMs?: number;
  /** Poll interval when nothing is due (items waiting for their retry time). Default 1 s. */
  pollMs?: number;
  /** Called with the size of every dataset chunk sent in a new buffer (not a pooled one), or past an
   *  instance's first LEASE_CHUNKS chunks (main: the Reclaimer that bounds peak RSS). */
  onBytesSent?(bytes: number): void;
}

const BATCH = 256;
/**
 * Deliveries per queue transaction (Spool.markForwarded): a lane records them this many at a time, or
 * fewer once the first of them has waited BOOKKEEPING_MAX_DELAY_MS (a slow peer). Each transaction is
 * a synced commit: 16 rather than 4 cut a draining daemon's CPU by ~15 % (docs/spool.md "Queue").
 */
export const BOOKKEEPING_BATCH = 16;
/** A delivery waits at most this long for its batch to fill before it is committed. */
export const BOOKKEEPING_MAX_DELAY_MS = 100;
/**
 * Delivered instances whose queue update may still be uncommitted while the lane sends the next one:
 * the batch being filled, and the previous one committing in the background (Deliveries). Updates do
 * not hold up C-STOREs, but a kill -9 loses the uncommitted ones and those instances are sent again
 * after restart (identical bytes): a lane re-sends at most this many plus PIPELINE_DEPTH.
 */
export const BOOKKEEPING_WINDOW = 2 * BOOKKEEPING_BATCH;
/**
 * C-STOREs a lane has on its association at once: the one on the wire and the next, queued behind it
 * (the association runs them one at a time). The next command then leaves as soon as the response
 * arrives, and the delivered instance's bookkeeping overlaps the peer's work on the next. A kill -9 may
 * so find both delivered and not yet recorded: at most BOOKKEEPING_WINDOW + PIPELINE_DEPTH re-sends.
 */
export const PIPELINE_DEPTH = 2;
/**
 * Pooled spool chunks a lane reads one instance into: instances up to this many chunks (2 MiB with the
 * default 256 KiB chunk) are forwarded without allocating, so they leave no garbage for the GC. Larger
 * ones sent as stored reuse these chunks once the socket has taken their bytes (ChunkLease.release);
 * chunks beyond them that cannot reuse one (a transcoded send, a socket lagging 2 MiB) are new
 * buffers, counted for the Reclaimer.
 */
export const LEASE_CHUNKS = 8;
const LEASE_BYTES = LEASE_CHUNKS * DEFAULT_CHUNK_SIZE;
/** PS3.8 §9.3.2.2: presentation context IDs are odd 1–255, so at most 128 per association. */
const MAX_CONTEXTS = 128;

/**
 * A lane's delivered instances on their way into the queue: BOOKKEEPING_BATCH per transaction (or what
 * BOOKKEEPING_MAX_DELAY_MS gathered), one transaction in flight, so at most BOOKKEEPING_WINDOW are
 * uncommitted. A failed update is logged (the entry then stays 'queued' and is sent again: never lost).
 */
export class Deliveries {
  private batch: Delivery[] = [];
  private committing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly commit: (batch: Delivery[]) => Promise<unknown>, private readonly log: Logger) {}

  async add(d: Delivery): Promise<void> {
    this.batch.push(d);
    if (this.batch.length >= BOOKKEEPING_BATCH) await this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => void this.flush(), BOOKKEEPING_MAX_DELAY_MS);
  }

  /** Starts committing the batch once the previous one is committed. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.committing;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.committing = this.commit(batch).then(
      () => undefined,
      (err: unknown) => this.log.error({ err, instances: batch.length }, 'queue update failed'),
    );
  }

  /** Every delivery committed (or its failure logged): the lane's next queue scan sees them. */
  async settle(): Promise<void> {
    await this.flush();
    await this.committing;
  }
}

/** Thrown for a problem with one instance (not with the connection). */
class ItemError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly status?: number) {
    super(message);
  }
}

function hashLane(series: string | undefined, lanes: number): number {
  if (lanes <= 1) return 0;
  let h = 2166136261;
  for (const ch of series ?? '') h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % lanes;
}

export class Destination {
  state: DestinationState = 'idle';
  lastError: string | null = null;
  lastSuccessAt: number | null = null;
  /** Instances delivered since start. */
  forwarded = 0;
  /** Failed delivery attempts (any status but success/warning, or unsendable) since start. */
  failed = 0;
  connectAttempts = 0;
  private failuresInRow = 0;
  private openUntil = 0;
  private probing = false;
  private stopped = false;
  private wakers = new Set<() => void>();
  private lanes: Promise<void>[] = [];
  /** Instances on the wire now (their queue entries stay 'queued': docs/spool.md "Queue"). */
  private readonly onTheWire = new Set<number>();
  /** What each open association was proposed, to know whether it can carry a new batch. */
  private readonly proposed = new WeakMap<ScuAssociation, ScuContext[]>();
  /** Associations whose transport has closed (peer release/abort, socket loss): never reused. */
  private readonly ended = new WeakSet<ScuAssociation>();
  private readonly log: Logger;
  /** Shared by the lanes; each C-STORE borrows through its own ChunkLease. */
  private readonly chunks: ChunkPool;

  constructor(readonly cfg: DestinationConfig, private readonly deps: DestinationDeps) {
    this.log = deps.log.child({ destination: cfg.name });
    this.chunks = new ChunkPool(DEFAULT_CHUNK_SIZE, LEASE_CHUNKS * cfg.concurrency);
  }

  start(): void {
    for (let k = 0; k < this.cfg.concurrency; k++) this.lanes.push(this.runLane(k));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.lanes);
    this.state = 'disabled';
  }

  /** Is instance `id` being sent to this destination now? */
  isSending(id: number): boolean {
    return this.onTheWire.has(id);
  }

  /** New work may be queued: wake idle lanes (does not shorten a back-off). */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  // ---- lanes ------------------------------------------------------------------------------------

  private async runLane(lane: number): Promise<void> {
    let assoc: ScuAssociation | null = null;
    let idleSince = Date.now();
    const idleMs = this.deps.idleReleaseMs ?? 10_000;
    try {
      while (!this.stopped) {
        const now = Date.now();
        if (now < this.openUntil || (this.probing && !assoc)) {
          await this.sleep(Math.max(50, this.openUntil - now));
          continue;
        }
        const items = this.deps.spool.nextQueued(this.cfg.name, now, BATCH)
          .filter((it) => hashLane(it.record.seriesInstanceUid, this.cfg.concurrency) === lane);
        if (items.length === 0) {
          if (assoc && Date.now() - idleSince >= idleMs) {
            await this.release(assoc);
            assoc = null;
          }
          if (this.failuresInRow === 0) this.state = 'idle';
          await this.sleep(assoc ? Math.min(this.deps.pollMs ?? 1000, idleMs) : this.deps.pollMs ?? 1000);
          continue;
        }
        try {
          assoc = await this.sendBatch(assoc, items);
          idleSince = Date.now();
        } catch (err) {
          if (assoc) assoc.abort();
          assoc = null;
          this.connectionFailed(err);
        }
      }
    } finally {
      if (assoc) await this.release(assoc);
    }
  }

  private async release(assoc: ScuAssociation): Promise<void> {
    try {
      await assoc.release();
    } catch {
      assoc.abort();
    }
  }

  private connectionFailed(err: unknown): void {
    this.failuresInRow++;
    this.probing = false;
    this.lastError = err instanceof Error ? err.message : String(err);
    const delay = backoffDelay(this.failuresInRow, this.deps.backoff ?? DEFAULT_BACKOFF);
    this.openUntil = Date.now() + delay;
    this.state = this.failuresInRow >= (this.deps.circuitAfter ?? 3) ? 'circuit-open' : 'backoff';
    this.log.warn({ err: this.lastError, failuresInRow: this.failuresInRow, retryInMs: delay, state: this.state }, 'destination unreachable');
  }

  private connectionOk(): void {
    if (this.failuresInRow > 0) this.log.info({ after: this.failuresInRow }, 'destination reachable again');
    this.failuresInRow = 0;
    this.probing = false;
    this.openUntil = 0;
  }

  // ---- association and contexts -----------------------------------------------------------------

  private compressSyntax(): string | undefined {
    return this.cfg.compress ? COMPRESS_SYNTAX[this.cfg.compress] : undefined;
  }

  /** The compressed context to use for `r` when the destination asks for WAN compression, the PACS
   *  accepted it and the image qualifies (native LE, one sample: codecs/dataset-encoder.ts). */
  private async compressedContext(accepted: AcceptedContext[], r: InstanceRecord): Promise<AcceptedContext | undefined> {
    const z = this.compressSyntax();
    if (!z || !canEncodeTo(r.transferSyntax, z)) return undefined;
    const ctx = accepted.find((c) => c.abstractSyntax === r.sopClassUid && c.transferSyntax === z);
    if (!ctx) return undefined;
    const probe = await probeImage(this.deps.spool.readDataset(r.id), r.transferSyntax).catch(() => null);
    return encodable(probe, z) ? ctx : undefined;
  }

  private fallbacks(): string[] {
    return this.cfg.transferSyntaxes.length ? [...this.cfg.transferSyntaxes] : [...FALLBACK_SYNTAXES];
  }

  /** Proposed contexts: per SOP Class, each received syntax alone, the fallback list, and the WAN
   *  compression syntax when set. */
  private contextsFor(items: QueueItem[]): { contexts: ScuContext[]; items: QueueItem[] } {
    const contexts: ScuContext[] = [];
    const seen = new Set<string>();
    const kept: QueueItem[] = [];
    for (const it of items) {
      const r = it.record;
      const cls = r.sopClassUid;
      // Each proposal has its own key, whatever its syntax list looks like.
      const want: Array<[string, ScuContext]> = [
        [`${cls}|${r.transferSyntax}`, { abstractSyntax: cls, transferSyntaxes: [r.transferSyntax] }],
        [`${cls}|fallback`, { abstractSyntax: cls, transferSyntaxes: this.fallbacks() }],
      ];
      const z = this.compressSyntax();
      if (z && z !== r.transferSyntax && canEncodeTo(r.transferSyntax, z)) want.push([`${cls}|${z}`, { abstractSyntax: cls, transferSyntaxes: [z] }]);
      const add = want.filter(([key]) => !seen.has(key));
      if (contexts.length + add.length > MAX_CONTEXTS) break;
      for (const [key, c] of add) {
        contexts.push(c);
        seen.add(key);
      }
      kept.push(it);
    }
    return { contexts, items: kept };
  }

  /**
   * An open association can carry the batch when it is still alive, was proposed every context, and
   * accepted some context for each SOP Class: a class it rejected gets a fresh association (the peer
   * may have been reconfigured, e.g. before an operator's dead-letter retry).
   */
  private covers(assoc: ScuAssociation, contexts: ScuContext[]): boolean {
    const proposed = this.proposed.get(assoc);
    if (!proposed || this.ended.has(assoc)) return false;
    const key = (c: ScuContext): string => `${c.abstractSyntax}|${c.transferSyntaxes.join(',')}`;
    const have = new Set(proposed.map(key));
    const acceptedClasses = new Set(assoc.accepted.map((c) => c.abstractSyntax));
    return contexts.every((c) => have.has(key(c)) && acceptedClasses.has(c.abstractSyntax));
  }

  private async open(contexts: ScuContext[]): Promise<ScuAssociation> {
    if (this.failuresInRow > 0) this.probing = true; // this attempt is the circuit's probe
    this.connectAttempts++;
    try {
      const assoc = await this.deps.connect({
        host: this.cfg.host, port: this.cfg.port, callingAe: this.cfg.callingAeTitle, calledAe: this.cfg.aeTitle,
        maxPduLength: this.cfg.maxPduLength, contexts, connectTimeoutMs: 10_000, log: this.log,
      });
      this.proposed.set(assoc, contexts);
      void assoc.closed.then(() => this.ended.add(assoc), () => this.ended.add(assoc));
      this.connectionOk();
      return assoc;
    } catch (err) {
      const rj = err as GatewayError & { result?: number };
      if (rj.code === 'GW_ERR_ASSOC_REJECTED' && classifyRejection(rj.result) === 'permanent') {
        throw new ItemError(`association rejected (permanent): ${rj.message}`, true);
      }
      throw err;
    }
  }

  /** The accepted context to send `r` on, and the syntax to send it in (PS3.8 §9.3.3.2 results). */
  private choose(accepted: AcceptedContext[], r: InstanceRecord): AcceptedContext {
    const forClass = accepted.filter((c) => c.abstractSyntax === r.sopClassUid);
    if (forClass.length === 0) throw new ItemError(`destination accepted no presentation context for SOP Class ${r.sopClassUid}`, true);
    const exact = forClass.find((c) => c.transferSyntax === r.transferSyntax);
    if (exact) return exact;
    const can = this.deps.canTranscode ?? canTranscode;
    const ok = forClass.find((c) => can(r.transferSyntax, c.transferSyntax));
    if (ok) return ok;
    throw new ItemError(`cannot transcode ${r.transferSyntax} to any syntax the destination accepted (${forClass.map((c) => c.transferSyntax).join(', ')})`, true);
  }

  // ---- sending ----------------------------------------------------------------------------------

  private async sendBatch(assoc: ScuAssociation | null, all: QueueItem[]): Promise<ScuAssociation | null> {
    const { contexts, items } = this.contextsFor(all);
    if (!assoc || !this.covers(assoc, contexts)) {
      if (assoc) await this.release(assoc);
      assoc = null;
      try {
        assoc = await this.open(contexts);
      } catch (err) {
        if (err instanceof ItemError) {
          // A permanent rejection concerns every instance we tried to send: dead-letter them (issue #4).
          for (const it of items) await this.itemFailed(it, err);
          this.lastError = err.message;
          return null;
        }
        throw err;
      }
    }
    this.state = 'sending';
    const done = new Deliveries((batch) => this.deps.spool.markForwarded(this.cfg.name, batch), this.log);
    // PIPELINE_DEPTH: the next C-STORE is queued on the association while the one before it is on the
    // wire; each is awaited only once the one after it is queued.
    let previous: Promise<void> | undefined;
    try {
      for (const it of items) {
        if (this.stopped) break;
        const ctx = await this.contextFor(assoc, it);
        if (!ctx) continue;
        const sending = this.storeOne(assoc, it, ctx, done);
        sending.catch(() => undefined); // awaited below; it must not be an unhandled rejection meanwhile
        const before = previous;
        previous = sending;
        if (before) await before;
      }
      if (previous) await previous;
    } catch (err) {
      // The association failed, so did the C-STORE queued behind: let its bookkeeping finish first.
      await previous?.catch(() => undefined);
      throw err;
    } finally {
      await done.settle();
    }
    return assoc;
  }

  /** The context to send an item on, or undefined when it cannot be sent (then recorded as failed). */
  private async contextFor(assoc: ScuAssociation, it: QueueItem): Promise<AcceptedContext | undefined> {
    try {
      return (await this.compressedContext(assoc.accepted, it.record)) ?? this.choose(assoc.accepted, it.record);
    } catch (err) {
      await this.itemFailed(it, err as ItemError);
      return undefined;
    }
  }

  /**
   * One C-STORE, queued behind the association's current one. Its queue entry is checked when its turn
   * comes: one replaced or removed meanwhile is not sent.
   */
  private async storeOne(assoc: ScuAssociation, queued: QueueItem, ctx: AcceptedContext, done: Deliveries): Promise<void> {
    const r = queued.record;
    let it: QueueItem = queued;
    let sent = false;
    let startedAt = Date.now();
    const proceed = (): boolean => {
      const current = this.deps.spool.entry(this.cfg.name, r.id);
      if (this.stopped || !current || current.state !== 'queued') return false;
      it = { record: r, entry: current };
      this.onTheWire.add(r.id);
      sent = true;
      startedAt = Date.now();
      return true;
    };
    let itemErr: unknown = null;
    const transcode = this.deps.transcode ?? transcodeStream;
    const lease = new ChunkLease(this.chunks, LEASE_CHUNKS);
    const stored = this.deps.spool.readDataset(r.id, lease, r);
    // Sent as stored, the data set's bytes are the chunks' bytes in order, so what the socket has taken
    // can be reused. A transcoder's output has other offsets, and it may hold chunks: no reuse then.
    const asStored = r.transferSyntax === ctx.transferSyntax && !this.deps.transcode;
    const source = transcode(stored, r.transferSyntax, ctx.transferSyntax);
    const counted = this.deps.onBytesSent;
    const dataset = (async function* guard(): AsyncGenerator<Buffer> {
      let pos = 0;
      try {
        for await (const chunk of source) {
          yield chunk;
          pos += chunk.length;
          // Garbage worth an early GC: buffers the lease did not lend (new ones, a transcoder's), and
          // past the lease's first round the per-PDU objects of a long send.
          if (counted && (pos > LEASE_BYTES || !lease.holds(chunk))) counted(chunk.length);
        }
      } catch (err) {
        itemErr = err;
        throw err;
      }
    })();
    let res: ScuStoreResult;
    try {
      res = await assoc.store({ abstractSyntax: ctx.abstractSyntax, transferSyntax: ctx.transferSyntax, sopClassUid: r.sopClassUid, sopInstanceUid: r.sopInstanceUid, dataset, timeoutMs: 120_000, proceed, ...(asStored ? { onDatasetReleased: (n: number) => lease.release(n) } : {}) });
    } catch (err) {
      this.onTheWire.delete(r.id);
      lease.drop(); // the socket may still hold them
      if (!sent) throw err; // its turn never came (the association ended first): not an attempt
      if (itemErr) {
        // Sent as stored, nothing transcodes: the spool read failed (a chunk gone).
        const what = asStored ? 'reading the spool failed' : 'transcoding failed';
        await this.itemFailed(it, new ItemError(`${what}: ${(itemErr as Error).message}`, true));
        throw err; // the association is unusable after a broken dataset stream
      }
      await this.deps.spool.markFailed(this.cfg.name, r.id, { error: (err as Error).message, permanent: false, retryAt: Date.now() });
      throw err;
    }
    // store() resolved: every byte is with the kernel and the transcoder (if any) has finished.
    this.onTheWire.delete(r.id);
    lease.giveBack();
    if (res.skipped) return; // replaced or removed meanwhile: nothing was sent
    const outcome = classifyStoreStatus(res.status);
    const fields = { id: r.id, sopInstanceUid: r.sopInstanceUid, status: statusHex(res.status), transferSyntax: ctx.transferSyntax, transcoded: ctx.transferSyntax !== r.transferSyntax, bytes: r.bytes, ms: Date.now() - startedAt };
    if (outcome === 'delivered') {
      // Let the C-STORE queued behind this one go out first (its command and data set are written in
      // the microtasks that follow this response); this bookkeeping then overlaps the peer's work.
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.forwarded++;
      this.lastSuccessAt = Date.now();
      this.log.info(fields, 'instance forwarded');
      await done.add({ id: r.id, status: res.status, transferSyntax: ctx.transferSyntax, startedAt });
      return;
    }
    const error = `C-STORE status ${statusHex(res.status)}${res.errorComment ? `: ${res.errorComment}` : ''}`;
    await this.itemFailed(it, new ItemError(error, outcome === 'permanent', res.status));
    this.log.warn({ ...fields, error, outcome }, 'instance not forwarded');
  }

  private async itemFailed(it: QueueItem, err: ItemError): Promise<void> {
    this.lastError = err.message;
    this.failed++;
    // This attempt is counted by markFailed: the back-off is that of attempt n + 1.
    const retryAt = err.permanent ? undefined : Date.now() + backoffDelay(it.entry.attempts + 1, this.deps.backoff ?? DEFAULT_BACKOFF);
    await this.deps.spool.markFailed(this.cfg.name, it.record.id, { status: err.status, error: err.message, permanent: err.permanent, retryAt });
  }
}
