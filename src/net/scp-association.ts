// net layer: one inbound association (we are the acceptor, PS3.8 §9.2 / PS3.7 §6). Runs ACSE
// negotiation through acse/, answers C-ECHO itself, hands C-STORE data sets to the injected sink.
// It never imports a service or the spool: main injects ScpHandlers.
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import { COMMAND_FIELD, STATUS, type CommandSet } from '../dicom/command-set.js';
import { checkAssociateRq, plainAddress, type LoadSnapshot } from './acse/accept.js';
import { negotiateAssociation } from './acse/negotiate.js';
import { DimseSender, newAssociationId } from './association.js';
import { MessageAssembler, type AssemblerOutput } from './dimse/assembler.js';
import { echoRsp, storeRsp, unsupportedRsp } from './dimse/messages.js';
import type { Indication } from './dul/actions.js';
import { DulSocket, type DulUser, type PdvEvent } from './dul/socket-adapter.js';
import { ABORT_REASON, PC_RESULT } from './pdu/constants.js';
import type { AssociateRq } from './pdu/types.js';
import type { AssociationInfo, ScpHandlers, ScpPolicy, StoreSink } from './types.js';

export interface ScpRegistry {
  load(callingAe: string): LoadSnapshot;
  register(a: ScpAssociation): void;
  unregister(a: ScpAssociation): void;
}

/** The operation in flight (one at a time: we answer the async window with 1/1). */
interface Operation {
  contextId: number;
  command: CommandSet;
  sink: StoreSink | undefined;
  /** Status to answer when there is no sink (data set discarded). */
  status: number;
  errorComment?: string;
  ended: boolean;
}

export class ScpAssociation implements DulUser {
  readonly id = newAssociationId();
  info: Partial<AssociationInfo>;
  callingAe = '';
  private readonly dul: DulSocket;
  private readonly contexts = new Map<number, { abstractSyntax: string; transferSyntax: string }>();
  private readonly assembler = new MessageAssembler((id) => this.contexts.has(id));
  private sender: DimseSender | undefined;
  private op: Operation | undefined;
  private log: Logger;
  private terminal = false;
  private accepted = false;

  constructor(
    socket: Socket,
    private readonly policy: ScpPolicy,
    private readonly handlers: ScpHandlers,
    private readonly registry: ScpRegistry,
    baseLog: Logger,
  ) {
    const peerAddress = plainAddress(socket.remoteAddress ?? '');
    this.info = { id: this.id, peerAddress, peerPort: socket.remotePort ?? 0 };
    this.log = baseLog.child({ assoc: this.id, peer: `${peerAddress}:${this.info.peerPort}` });
    this.dul = new DulSocket(
      {
        socket,
        isRequestor: false,
        maxPduLength: policy.maxPduLength,
        artimMs: policy.artimTimeoutSeconds * 1000,
        idleMs: policy.idleTimeoutSeconds * 1000,
        log: this.log,
      },
      this,
    );
    this.info.reusesReads = this.dul.reusesReads;
  }

  start(): void {
    this.dul.transportIndication();
  }

  get isAccepted(): boolean {
    return this.accepted;
  }

  /** Local A-ABORT (shutdown). */
  abort(): void {
    this.dul.abort();
  }

  onIndication(ind: Indication): void {
    switch (ind.kind) {
      case 'associate-rq':
        return this.onAssociateRq(ind.pdu);
      case 'release-rq':
        this.log.info('A-RELEASE-RQ');
        this.abortOperation('A-RELEASE-RQ during an operation');
        this.registry.unregister(this);
        this.emit('released');
        if (!ind.collision) this.dul.releaseResponse();
        return;
      case 'release-confirm':
        // Release collision, acceptor side (Sta12): answer the peer's release now (PS3.8 §9.2.3).
        this.dul.releaseResponse();
        return;
      case 'abort':
        this.log.info({ source: ind.source, reason: ind.reason }, 'A-ABORT');
        this.abortOperation('A-ABORT from peer');
        this.emit('aborted', 'A-ABORT from peer');
        return;
      case 'p-abort':
        this.log.warn({ reason: ind.reason, detail: ind.detail }, 'A-P-ABORT');
        this.abortOperation(`A-P-ABORT: ${ind.detail}`);
        this.emit('aborted', ind.detail);
        return;
      default:
        return;
    }
  }

  private onAssociateRq(rq: AssociateRq): void {
    this.callingAe = rq.callingAe;
    this.info = {
      ...this.info,
      callingAe: rq.callingAe,
      calledAe: rq.calledAe,
      peerMaxPduLength: rq.userInfo.maxLength ?? 0,
      implementationClassUid: rq.userInfo.implementationClassUid,
      implementationVersionName: rq.userInfo.implementationVersionName,
    };
    this.log = this.log.child({ callingAe: rq.callingAe, calledAe: rq.calledAe });
    this.log.info({ contexts: rq.presentationContexts.length, implementationClassUid: this.info.implementationClassUid }, 'A-ASSOCIATE-RQ');
    const rejection = checkAssociateRq(rq, this.policy, this.info.peerAddress ?? '', this.registry.load(rq.callingAe));
    if (rejection) {
      this.log.warn({ result: rejection.rj.result, source: rejection.rj.source, reason: rejection.rj.reason, why: rejection.why }, 'A-ASSOCIATE-RJ');
      this.emit('rejected', rejection.why);
      this.dul.reject(rejection.rj);
      return;
    }
    const { ac, contexts } = negotiateAssociation(rq, this.policy);
    rq.presentationContexts.forEach((pc, i) => {
      if (contexts[i].result === PC_RESULT.ACCEPTANCE) this.contexts.set(pc.id, { abstractSyntax: pc.abstractSyntax, transferSyntax: contexts[i].transferSyntax });
    });
    this.sender = new DimseSender(this.dul, this.info.peerMaxPduLength ?? 0);
    this.accepted = true;
    this.registry.register(this);
    this.log.info({ accepted: this.contexts.size, proposed: contexts.length, peerMaxPdu: this.info.peerMaxPduLength }, 'A-ASSOCIATE-AC');
    this.emit('accepted');
    this.dul.accept(ac);
  }

  onPdv(ev: PdvEvent): void | Promise<void> {
    const out = this.assembler.push(ev);
    switch (out.kind) {
      case 'none':
        return;
      case 'error':
        this.abortOperation(out.message);
        this.dul.protocolError(ABORT_REASON.INVALID_PDU_PARAMETER_VALUE, out.message);
        return;
      case 'command':
        return this.onCommand(out);
      case 'data':
        return this.onData(out.chunk, out.last);
    }
  }

  private onCommand(out: Extract<AssemblerOutput, { kind: 'command' }>): void | Promise<void> {
    const { command, contextId, datasetFollows } = out;
    this.log.debug({ commandField: command.commandField, messageId: command.messageId, contextId }, 'dimse command');
    if (command.commandField === COMMAND_FIELD.C_CANCEL_RQ) return;
    if (command.commandField === COMMAND_FIELD.C_ECHO_RQ && !datasetFollows) {
      this.log.info('C-ECHO-RQ');
      return this.respond(contextId, echoRsp(command, STATUS.SUCCESS));
    }
    if (command.commandField === COMMAND_FIELD.C_STORE_RQ && datasetFollows) {
      this.op = this.startStore(contextId, command);
      return;
    }
    if (command.commandField === COMMAND_FIELD.C_STORE_RQ)
      return this.respond(contextId, storeRsp(command, STATUS.CANNOT_UNDERSTAND, 'C-STORE-RQ without a data set'));
    const rsp = unsupportedRsp(command, STATUS.UNRECOGNIZED_OPERATION);
    if (!datasetFollows) return this.respond(contextId, rsp);
    // A data set follows a request we do not serve: read and drop it, then answer.
    this.op = { contextId, command, sink: undefined, status: STATUS.UNRECOGNIZED_OPERATION, ended: false };
  }

  private startStore(contextId: number, command: CommandSet): Operation {
    const pc = this.contexts.get(contextId)!;
    const op: Operation = { contextId, command, sink: undefined, status: STATUS.SUCCESS, ended: false };
    // PS3.4 B.2.3: the SOP Class in the command must be the negotiated abstract syntax.
    if (command.affectedSopClassUid !== pc.abstractSyntax) {
      op.status = STATUS.SOP_CLASS_NOT_SUPPORTED;
      op.errorComment = 'SOP Class differs from the presentation context';
      return op;
    }
    try {
      op.sink = this.handlers.onStoreRequest({
        assoc: this.info as AssociationInfo,
        presentationContextId: contextId,
        abstractSyntax: pc.abstractSyntax,
        transferSyntax: pc.transferSyntax,
        messageId: command.messageId ?? 0,
        priority: command.priority ?? 0,
        affectedSopClassUid: command.affectedSopClassUid ?? '',
        affectedSopInstanceUid: command.affectedSopInstanceUid ?? '',
        moveOriginatorAe: command.moveOriginatorAe,
        moveOriginatorMessageId: command.moveOriginatorMessageId,
      });
    } catch (err) {
      this.log.error({ err }, 'store handler failed');
      op.status = STATUS.PROCESSING_FAILURE;
      op.errorComment = 'gateway could not accept the instance';
    }
    return op;
  }

  private onData(chunk: Buffer, last: boolean): void | Promise<void> {
    const op = this.op;
    if (!op) return;
    let pending: void | Promise<void> = undefined;
    if (op.sink) {
      try {
        pending = op.sink.write(chunk);
      } catch (err) {
        this.failSink(op, err);
      }
    }
    if (!last) return pending ? pending.catch((err: unknown) => this.failSink(op, err)) : undefined;
    op.ended = true;
    return Promise.resolve(pending)
      .catch((err: unknown) => this.failSink(op, err))
      .then(() => this.finish(op));
  }

  private failSink(op: Operation, err: unknown): void {
    this.log.error({ err }, 'store sink failed');
    op.sink?.abort('sink failed');
    op.sink = undefined;
    op.status = STATUS.PROCESSING_FAILURE;
    op.errorComment = 'gateway could not keep the instance';
  }

  private async finish(op: Operation): Promise<void> {
    let status = op.status;
    let errorComment = op.errorComment;
    let offending: number[] | undefined;
    if (op.sink) {
      try {
        const r = await op.sink.end();
        status = r.status;
        errorComment = r.errorComment;
        offending = r.offendingElements;
      } catch (err) {
        this.log.error({ err }, 'store sink end failed');
        status = STATUS.PROCESSING_FAILURE;
        errorComment = 'gateway could not keep the instance';
      }
    }
    if (this.op === op) this.op = undefined;
    const rsp = op.command.commandField === COMMAND_FIELD.C_STORE_RQ
      ? storeRsp(op.command, status, errorComment, offending)
      : unsupportedRsp(op.command, status);
    if (op.command.commandField === COMMAND_FIELD.C_STORE_RQ)
      this.log.debug({ sopInstanceUid: op.command.affectedSopInstanceUid, status: `0x${status.toString(16).padStart(4, '0')}` }, 'C-STORE-RSP');
    await this.respond(op.contextId, rsp);
  }

  private async respond(contextId: number, rsp: CommandSet): Promise<void> {
    if (!this.sender?.canSend()) {
      this.log.debug({ state: this.dul.state }, 'response dropped: association not in data transfer');
      return;
    }
    try {
      await this.sender.sendCommand(contextId, rsp);
    } catch (err) {
      this.log.debug({ err }, 'response not sent');
    }
  }

  /** Partial data of an unfinished operation is discarded (StoreSink.abort). */
  private abortOperation(reason: string): void {
    const op = this.op;
    this.op = undefined;
    if (op && !op.ended && op.sink) op.sink.abort(reason);
  }

  onClosed(): void {
    this.abortOperation('transport closed');
    if (this.accepted) this.registry.unregister(this);
    // A connection that never sent an A-ASSOCIATE-RQ (port probe, silent peer) is not an association event.
    if (this.info.callingAe !== undefined) this.emit('aborted', 'transport closed');
    this.log.debug('association closed');
  }

  private emit(type: 'accepted' | 'rejected' | 'released' | 'aborted', reason?: string): void {
    if (type !== 'accepted') {
      if (this.terminal) return;
      this.terminal = true;
    }
    try {
      this.handlers.onAssociationEvent?.({ type, info: { ...this.info }, reason });
    } catch (err) {
      this.log.error({ err }, 'association event handler failed');
    }
  }
}
