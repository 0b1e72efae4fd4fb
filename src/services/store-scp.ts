// C-STORE SCP service (services layer): turns the network layer's StoreRequest + dataset stream into a
// durable spool instance and a status. Dataset bytes go to the spool writer as they arrive (no copy,
// no assembly); a DatasetReader alongside parses them for indexing and validation, skipping bulk data.
// Success (0x0000) is returned only after the spool transaction is fsync'd (PS3.4 §B.2.3; CONTRACT.md).
import { DatasetReader } from '../dicom/reader.js';
import { attributeCollector, type IndexAttrs } from '../dicom/attributes.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import type { StoreRequest, StoreSink } from '../net/types.js';
import type { InstanceInfo, InstanceRecord, SpoolWriter } from '../spool/index.js';
import { STATUS, statusHex } from './status-codes.js';
import type { ReceiveStats } from './receive-stats.js';

/** What the service needs from the spool (the Spool class satisfies it). */
export interface InstanceSink {
  beginInstance(info: InstanceInfo): SpoolWriter;
}

export interface StoreScpDeps {
  spool: InstanceSink;
  /** Destination names for an instance (forward/routing.ts with the live config). */
  route(facts: { callingAeTitle: string; calledAeTitle: string; modality?: string; sopClassUid: string }): string[];
  stats: ReceiveStats;
  log: Logger;
  /** Called after a durable commit (the forwarder wakes its workers). */
  onStored?(record: InstanceRecord): void;
}

type Result = { status: number; errorComment?: string };

/** ErrorComment is LO: at most 64 characters (PS3.7 Annex C, (0000,0902)). */
function comment(s: string): string {
  return s.length <= 64 ? s : s.slice(0, 61) + '...';
}

function spoolFailure(err: unknown): Result {
  const code = err instanceof GatewayError ? err.code : 'GW_ERR_SPOOL_IO';
  return { status: STATUS.OUT_OF_RESOURCES, errorComment: comment(code === 'GW_ERR_SPOOL_FULL' ? 'spool full' : 'spool write failed') };
}

class SpoolStoreSink implements StoreSink {
  private readonly reader: DatasetReader;
  private readonly attrs: IndexAttrs;
  private writer: SpoolWriter | null = null;
  private failure: Result | null = null;
  private bytes = 0;
  private readonly started = Date.now();

  constructor(private readonly req: StoreRequest, private readonly deps: StoreScpDeps, private readonly log: Logger) {
    const { handler, attrs } = attributeCollector();
    this.attrs = attrs;
    this.reader = new DatasetReader(handler, { format: 'dataset', transferSyntax: req.transferSyntax });
    try {
      this.writer = deps.spool.beginInstance({
        sopClassUid: req.affectedSopClassUid,
        sopInstanceUid: req.affectedSopInstanceUid,
        transferSyntax: req.transferSyntax,
        callingAe: req.assoc.callingAe,
        calledAe: req.assoc.calledAe,
        peer: `${req.assoc.peerAddress}:${req.assoc.peerPort}`,
      });
    } catch (err) {
      this.fail(spoolFailure(err), err);
    }
  }

  /** Records the first failure and drops the partial instance; later data is discarded. */
  private fail(result: Result, err?: unknown): void {
    if (this.failure) return;
    this.failure = result;
    this.log.warn({ err, sopInstanceUid: this.req.affectedSopInstanceUid, status: statusHex(result.status) }, 'store failed');
    const w = this.writer;
    this.writer = null;
    if (w) w.abort().catch((e) => this.log.error({ err: e }, 'spool abort failed'));
  }

  write(chunk: Buffer): void | Promise<void> {
    this.bytes += chunk.length;
    if (this.failure) return;
    try {
      this.reader.write(chunk);
    } catch (err) {
      this.fail({ status: STATUS.CANNOT_UNDERSTAND, errorComment: comment(`malformed dataset: ${(err as Error).message}`) }, err);
      return;
    }
    try {
      const p = this.writer!.write(chunk);
      if (p) return p.catch((err) => this.fail(spoolFailure(err), err));
    } catch (err) {
      this.fail(spoolFailure(err), err);
    }
  }

  async end(): Promise<Result> {
    const result = await this.finish();
    this.deps.stats.add(result.status, this.bytes);
    return result;
  }

  private async finish(): Promise<Result> {
    if (!this.failure) {
      try {
        await this.reader.end();
      } catch (err) {
        this.fail({ status: STATUS.CANNOT_UNDERSTAND, errorComment: comment(`malformed dataset: ${(err as Error).message}`) }, err);
      }
    }
    if (!this.failure) this.checkUids();
    if (this.failure) return this.failure;
    const a = this.attrs;
    const destinations = this.deps.route({
      callingAeTitle: this.req.assoc.callingAe,
      calledAeTitle: this.req.assoc.calledAe,
      modality: a.modality,
      sopClassUid: this.req.affectedSopClassUid,
    });
    try {
      const record = await this.writer!.commit(
        { studyInstanceUid: a.studyInstanceUid, seriesInstanceUid: a.seriesInstanceUid, modality: a.modality },
        destinations,
      );
      this.log.info(
        { id: record.id, sopClassUid: record.sopClassUid, sopInstanceUid: record.sopInstanceUid, transferSyntax: record.transferSyntax, bytes: record.bytes, ms: Date.now() - this.started, destinations },
        'instance stored',
      );
      this.deps.onStored?.(record);
      return { status: STATUS.SUCCESS };
    } catch (err) {
      this.log.error({ err, sopInstanceUid: this.req.affectedSopInstanceUid }, 'spool commit failed');
      this.failure = spoolFailure(err);
      return this.failure;
    }
  }

  /** PS3.4 §B.2.3: the dataset must be of the SOP Class (and Instance) the command announced. A UID
   *  that contradicts the command is refused; an absent one (seen in real files) is accepted with a
   *  warning, since nothing contradicts the command and refusing would lose the image. */
  private checkUids(): void {
    const a = this.attrs;
    if (a.sopClassUid !== undefined && a.sopClassUid !== this.req.affectedSopClassUid) {
      this.fail({ status: STATUS.DATASET_MISMATCH, errorComment: comment(`dataset SOP Class UID ${a.sopClassUid} != command`) });
    } else if (a.sopInstanceUid !== undefined && a.sopInstanceUid !== this.req.affectedSopInstanceUid) {
      this.fail({ status: STATUS.CANNOT_UNDERSTAND, errorComment: comment(`dataset SOP Instance UID ${a.sopInstanceUid} != command`) });
    } else if (a.sopClassUid === undefined || a.sopInstanceUid === undefined) {
      this.log.warn({ sopInstanceUid: this.req.affectedSopInstanceUid }, 'dataset lacks SOP Class or Instance UID; using the command\'s');
    }
  }

  abort(reason: string): void {
    this.log.info({ sopInstanceUid: this.req.affectedSopInstanceUid, bytes: this.bytes, reason }, 'store aborted');
    this.deps.stats.aborted();
    const w = this.writer;
    this.writer = null;
    this.failure ??= { status: STATUS.PROCESSING_FAILURE };
    if (w) w.abort().catch((e) => this.log.error({ err: e }, 'spool abort failed'));
  }
}

/** The `onStoreRequest` handler main hands to the DICOM server. */
export function createStoreScp(deps: StoreScpDeps): (req: StoreRequest) => StoreSink {
  return (req) => new SpoolStoreSink(req, deps, deps.log.child({ assoc: req.assoc.id, callingAe: req.assoc.callingAe, calledAe: req.assoc.calledAe }));
}
