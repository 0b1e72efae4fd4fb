// net layer: outbound associations (we are the requestor). Opens the transport, negotiates, and
// runs one DIMSE operation at a time (async window 1). It imports no service; services/ and the
// forwarder call it.
import net from 'node:net';
import type { Logger } from '../log.js';
import { COMMAND_FIELD, type CommandSet } from '../dicom/command-set.js';
import { ERROR_CODES, GatewayError } from '../errors.js';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './acse/identity.js';
import { DimseSender, newAssociationId } from './association.js';
import { MessageAssembler } from './dimse/assembler.js';
import { echoRq, storeRq, VERIFICATION_SOP_CLASS } from './dimse/messages.js';
import type { Indication } from './dul/actions.js';
import { DulSocket, type DulUser, type PdvEvent } from './dul/socket-adapter.js';
import { ABORT_REASON, DICOM_APPLICATION_CONTEXT, PC_RESULT, PROTOCOL_VERSION } from './pdu/constants.js';
import { emptyUserInformation, type AssociateAc, type AssociateRq } from './pdu/types.js';
import type { AcceptedContext, AssociationInfo, ScuAssociation, ScuContext, ScuStoreRequest, ScuStoreResult } from './types.js';

export interface OpenAssociationOptions {
  host: string;
  port: number;
  callingAe: string;
  calledAe: string;
  /** Maximum Length we advertise; default 256 KiB. */
  maxPduLength?: number;
  contexts: ScuContext[];
  connectTimeoutMs?: number;
  /** How long to wait for A-ASSOCIATE-AC/RJ and for A-RELEASE-RP (ARTIM-like); default 30 s. */
  artimTimeoutMs?: number;
  /** Inactivity before the DUL aborts (0 = none); default 0: operations carry their own timeouts. */
  idleTimeoutMs?: number;
  log: Logger;
}

/** A-ASSOCIATE-RJ as an error: the three fields of PS3.8 Table 9-21. */
export class AssociationRejectedError extends GatewayError {
  constructor(readonly result: number, readonly source: number, readonly reason: number) {
    super(ERROR_CODES.ASSOC_REJECTED, `association rejected (result ${result}, source ${source}, reason ${reason})`);
    this.name = 'AssociationRejectedError';
  }
}

/** Builds the A-ASSOCIATE-RQ: contexts get odd IDs 1, 3, 5… in the order given (PS3.8 §9.3.2.2). */
export function buildAssociateRq(o: Pick<OpenAssociationOptions, 'callingAe' | 'calledAe' | 'contexts' | 'maxPduLength'>): AssociateRq {
  if (o.contexts.length === 0 || o.contexts.length > 128) throw new GatewayError(ERROR_CODES.ARGUMENT, `contexts: expected 1..128 presentation contexts, found ${o.contexts.length}`);
  return {
    type: 0x01,
    protocolVersion: PROTOCOL_VERSION,
    calledAe: o.calledAe,
    callingAe: o.callingAe,
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: o.contexts.map((c, i) => ({ id: 2 * i + 1, abstractSyntax: c.abstractSyntax, transferSyntaxes: c.transferSyntaxes })),
    userInfo: {
      ...emptyUserInformation(),
      maxLength: o.maxPduLength ?? 256 * 1024,
      implementationClassUid: IMPLEMENTATION_CLASS_UID,
      implementationVersionName: IMPLEMENTATION_VERSION_NAME,
    },
  };
}

interface Pending {
  messageId: number;
  resolve(cmd: CommandSet): void;
  reject(err: Error): void;
}

class ScuAssociationImpl implements ScuAssociation, DulUser {
  info: AssociationInfo;
  accepted: AcceptedContext[] = [];
  readonly closed: Promise<void>;
  readonly dul: DulSocket;
  private closedResolve!: () => void;
  private sender: DimseSender | undefined;
  private readonly assembler = new MessageAssembler((id) => this.accepted.some((c) => c.id === id));
  private pending: Pending | undefined;
  /** Operations waiting for the association, in order (serial()); `busy` while one holds it. */
  private readonly waiting: Array<() => void> = [];
  private busy = false;
  /** The operation holding the association hands it to the next one (once). */
  private handOver: (() => void) | undefined;
  /** The current operation is still writing its message (command and data set). */
  private sending = false;
  private nextMessageId = 1;
  private opened: { resolve(): void; reject(err: Error): void } | undefined;
  private releaseWaiter: (() => void) | undefined;
  private endError: GatewayError | undefined;

  private readonly log: Logger;

  constructor(socket: net.Socket, private readonly rq: AssociateRq, baseLog: Logger, artimMs: number, idleMs: number, peerPort: number) {
    this.info = { id: newAssociationId(), callingAe: rq.callingAe, calledAe: rq.calledAe, peerAddress: '', peerPort, peerMaxPduLength: 0 };
    const log = (this.log = baseLog.child({ assoc: this.info.id }));
    this.closed = new Promise((r) => (this.closedResolve = r));
    this.dul = new DulSocket({ socket, isRequestor: true, maxPduLength: rq.userInfo.maxLength ?? 0, artimMs, idleMs, log }, this);
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.opened = { resolve, reject };
      this.dul.associateRequest(this.rq);
    });
  }

  onIndication(ind: Indication): void {
    switch (ind.kind) {
      case 'associate-ac':
        return this.onAccepted(ind.pdu);
      case 'associate-rj':
        this.log.warn({ result: ind.pdu.result, source: ind.pdu.source, reason: ind.pdu.reason }, 'A-ASSOCIATE-RJ');
        return this.end(new AssociationRejectedError(ind.pdu.result, ind.pdu.source, ind.pdu.reason));
      case 'release-rq':
        // Peer asks to release (or a release collision, PS3.8 §9.2.3): answer it.
        this.log.info({ collision: ind.collision }, 'A-RELEASE-RQ');
        if (!ind.collision) this.end(new GatewayError(ERROR_CODES.ASSOC_ABORTED, 'peer released the association'));
        this.dul.releaseResponse();
        return;
      case 'release-confirm':
        this.log.info('A-RELEASE-RP');
        this.releaseWaiter?.();
        return;
      case 'abort':
        this.log.warn({ source: ind.source, reason: ind.reason }, 'A-ABORT');
        return this.end(new GatewayError(ERROR_CODES.ASSOC_ABORTED, `A-ABORT from peer (source ${ind.source}, reason ${ind.reason})`));
      case 'p-abort':
        this.log.warn({ reason: ind.reason, detail: ind.detail }, 'A-P-ABORT');
        return this.end(new GatewayError(ERROR_CODES.ASSOC_ABORTED, `A-P-ABORT: ${ind.detail}`));
      default:
        return;
    }
  }

  private onAccepted(ac: AssociateAc): void {
    this.info.peerMaxPduLength = ac.userInfo.maxLength ?? 0;
    this.info.implementationClassUid = ac.userInfo.implementationClassUid;
    this.info.implementationVersionName = ac.userInfo.implementationVersionName;
    for (const pc of ac.presentationContexts) {
      const proposed = this.rq.presentationContexts.find((p) => p.id === pc.id);
      // PS3.8 §9.3.3.2: the accepted TS must be one we proposed.
      if (proposed && pc.result === PC_RESULT.ACCEPTANCE && proposed.transferSyntaxes.includes(pc.transferSyntax))
        this.accepted.push({ id: pc.id, abstractSyntax: proposed.abstractSyntax, transferSyntax: pc.transferSyntax });
    }
    this.sender = new DimseSender(this.dul, this.info.peerMaxPduLength);
    this.log.info({ accepted: this.accepted.length, proposed: this.rq.presentationContexts.length, peerMaxPdu: this.info.peerMaxPduLength }, 'A-ASSOCIATE-AC');
    this.opened?.resolve();
    this.opened = undefined;
  }

  onPdv(ev: PdvEvent): void {
    const out = this.assembler.push(ev);
    if (out.kind === 'error') {
      this.dul.protocolError(ABORT_REASON.INVALID_PDU_PARAMETER_VALUE, out.message);
      return;
    }
    if (out.kind !== 'command') return; // data sets of responses (none for C-ECHO/C-STORE) are dropped
    const p = this.pending;
    if (p && out.command.messageIdBeingRespondedTo === p.messageId && out.command.commandField & 0x8000) {
      this.pending = undefined;
      p.resolve(out.command);
      // The operation is over on the wire: the next one's command leaves now, before the code that
      // waits for this response runs (serial()). Not while our message is still going out (a peer
      // may answer early): the next one then starts once this one has settled.
      if (!this.sending) this.handOver?.();
    } else this.log.warn({ commandField: out.command.commandField }, 'unexpected DIMSE message');
  }

  onClosed(): void {
    this.end(this.endError ?? new GatewayError(ERROR_CODES.ASSOC_ABORTED, 'transport closed'));
    this.releaseWaiter?.();
    this.closedResolve();
  }

  /** Fails whatever waits (open, operation) with `err`, once. */
  private end(err: GatewayError): void {
    this.endError ??= err;
    this.opened?.reject(err);
    this.opened = undefined;
    this.pending?.reject(err);
    this.pending = undefined;
  }

  /**
   * Operations run strictly one after another (we never negotiate an asynchronous operations window:
   * PS3.7 §D.3.3.3, one outstanding operation). The next one starts as soon as the current one's
   * response has arrived, synchronously in onPdv, so a queued C-STORE's command is on the wire before
   * the continuations of the previous response run (~45 µs earlier for a forward lane, docs/
   * benchmarks.md thirteenth session); or once the current one settles without a response (an error,
   * a skipped C-STORE, a release).
   */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        let handed = false;
        const handOver = (): void => {
          if (handed) return;
          handed = true;
          if (this.handOver === handOver) this.handOver = undefined;
          this.startNext();
        };
        this.handOver = handOver;
        let op: Promise<T>;
        try {
          op = fn();
        } catch (err) {
          op = Promise.reject(err);
        }
        op.then(resolve, reject);
        op.then(handOver, handOver);
      });
      if (!this.busy) {
        this.busy = true;
        queueMicrotask(() => this.startNext());
      }
    });
  }

  private startNext(): void {
    const run = this.waiting.shift();
    if (run) run();
    else this.busy = false;
  }

  private context(abstractSyntax: string, transferSyntax?: string): AcceptedContext {
    const c = this.accepted.find((a) => a.abstractSyntax === abstractSyntax && (transferSyntax === undefined || a.transferSyntax === transferSyntax));
    if (!c) throw new GatewayError(ERROR_CODES.ASSOC_STATE, `no accepted presentation context for ${abstractSyntax}${transferSyntax ? ` in ${transferSyntax}` : ''}`);
    return c;
  }

  private async request(contextId: number, cmd: CommandSet, dataset: ScuStoreRequest['dataset'] | undefined, timeoutMs: number | undefined, onReleased?: (bytes: number) => void): Promise<CommandSet> {
    if (this.endError || !this.sender) throw this.endError ?? new GatewayError(ERROR_CODES.ASSOC_STATE, 'association not established');
    const response = new Promise<CommandSet>((resolve, reject) => (this.pending = { messageId: cmd.messageId ?? 0, resolve, reject }));
    response.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = timeoutMs
      ? new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            this.log.warn({ timeoutMs }, 'dimse timeout');
            this.abort();
            reject(new GatewayError(ERROR_CODES.TIMEOUT, `no response within ${timeoutMs} ms`));
          }, timeoutMs);
        })
      : undefined;
    try {
      const send = async (): Promise<CommandSet> => {
        this.sending = true;
        try {
          await this.sender!.sendCommand(contextId, cmd);
          if (dataset) await this.sender!.sendDataset(contextId, dataset, onReleased);
        } finally {
          this.sending = false;
        }
        return response;
      };
      return await (timeout ? Promise.race([send(), timeout]) : send());
    } catch (err) {
      this.pending = undefined;
      // A message cut short (e.g. the data set source failed) leaves the peer mid-message: abort.
      if (!this.endError) this.abort();
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  echo(timeoutMs?: number): Promise<number> {
    return this.serial(async () => {
      const c = this.context(VERIFICATION_SOP_CLASS);
      const rsp = await this.request(c.id, echoRq(this.nextMessageId++), undefined, timeoutMs);
      if (rsp.commandField !== COMMAND_FIELD.C_ECHO_RSP) throw new GatewayError(ERROR_CODES.DIMSE_COMMAND, `expected C-ECHO-RSP, got 0x${rsp.commandField.toString(16)}`);
      return rsp.status ?? 0xffff;
    });
  }

  store(req: ScuStoreRequest): Promise<ScuStoreResult> {
    return this.serial(async () => {
      const c = this.context(req.abstractSyntax, req.transferSyntax);
      if (this.endError) throw this.endError; // nothing is asked, nothing sent
      if (req.proceed && !req.proceed()) return { status: 0xffff, skipped: true };
      const cmd = storeRq({ messageId: this.nextMessageId++, sopClassUid: req.sopClassUid, sopInstanceUid: req.sopInstanceUid, priority: req.priority, moveOriginatorAe: req.moveOriginatorAe, moveOriginatorMessageId: req.moveOriginatorMessageId });
      const rsp = await this.request(c.id, cmd, req.dataset, req.timeoutMs, req.onDatasetReleased);
      if (rsp.commandField !== COMMAND_FIELD.C_STORE_RSP) throw new GatewayError(ERROR_CODES.DIMSE_COMMAND, `expected C-STORE-RSP, got 0x${rsp.commandField.toString(16)}`);
      const out: ScuStoreResult = { status: rsp.status ?? 0xffff };
      if (rsp.errorComment) out.errorComment = rsp.errorComment;
      return out;
    });
  }

  release(timeoutMs = 30000): Promise<void> {
    return this.serial(async () => {
      if (this.dul.state !== 'Sta6') return this.closed;
      const done = new Promise<void>((resolve) => (this.releaseWaiter = resolve));
      this.log.info('A-RELEASE-RQ');
      this.dul.releaseRequest();
      const timer = setTimeout(() => this.abort(), timeoutMs);
      await done;
      clearTimeout(timer);
      await this.closed;
    });
  }

  abort(): void {
    this.log.info('A-ABORT');
    this.end(new GatewayError(ERROR_CODES.ASSOC_ABORTED, 'aborted locally'));
    this.dul.abort();
  }
}

/**
 * Opens an association as requestor.
 * @throws AssociationRejectedError (GW_ERR_ASSOC_REJECTED, with result/source/reason), GatewayError
 *   GW_ERR_CONNECT (TCP failed), GW_ERR_TIMEOUT (connect or A-ASSOCIATE-AC too slow), GW_ERR_ASSOC_ABORTED.
 */
export async function openAssociation(opts: OpenAssociationOptions): Promise<ScuAssociation> {
  const rq = buildAssociateRq(opts);
  const log = opts.log.child({ callingAe: opts.callingAe, calledAe: opts.calledAe, peer: `${opts.host}:${opts.port}` });
  const socket = net.connect({ host: opts.host, port: opts.port, noDelay: true });
  const artimMs = opts.artimTimeoutMs ?? 30000;
  const connectMs = opts.connectTimeoutMs ?? 10000;
  const assoc = new ScuAssociationImpl(socket, rq, log, artimMs, opts.idleTimeoutMs ?? 0, opts.port);
  let connectError: Error | undefined;
  socket.once('error', (err) => (connectError = err));
  const connectTimer = setTimeout(() => {
    connectError = new GatewayError(ERROR_CODES.TIMEOUT, `connect to ${opts.host}:${opts.port}: no answer within ${connectMs} ms`);
    socket.destroy();
  }, connectMs);
  socket.once('connect', () => {
    clearTimeout(connectTimer);
    assoc.info.peerAddress = socket.remoteAddress ?? opts.host;
  });
  const acTimer = setTimeout(() => {
    connectError ??= new GatewayError(ERROR_CODES.TIMEOUT, `no A-ASSOCIATE-AC within ${artimMs} ms`);
    assoc.abort();
  }, artimMs + connectMs);
  try {
    await assoc.open();
    return assoc;
  } catch (err) {
    if (connectError instanceof GatewayError) throw connectError;
    if (connectError) throw new GatewayError(ERROR_CODES.CONNECT, `connect to ${opts.host}:${opts.port}: ${connectError.message}`, { cause: connectError });
    throw err;
  } finally {
    clearTimeout(connectTimer);
    clearTimeout(acTimer);
  }
}
