// net/dul layer: binds one TCP socket to a PduReader and the state machine. This is the only
// code that pauses or resumes the socket (back-pressure from the PDV consumer) and that writes
// to it. It knows PDUs and DUL events, not presentation contexts or DIMSE.
import type { Socket } from 'node:net';
import type { Logger } from '../../log.js';
import { PDU_NAME, PDU_TYPE, ABORT_REASON, ABORT_SOURCE } from '../pdu/constants.js';
import { encodePdu } from '../pdu/codec.js';
import { PduReader, type ReaderEvent } from '../pdu/reader.js';
import type { AssociateAc, AssociateRj, AssociateRq, ControlPdu } from '../pdu/types.js';
import type { DulPort, EventPayload, Indication } from './actions.js';
import { ArtimTimer } from './artim.js';
import { ACCEPTOR_READ_BYTES, installReadBuffer, REQUESTOR_READ_BYTES } from './read-buffer.js';
import { StateMachine } from './fsm.js';
import type { DulEvent } from './table.js';

export type PdvEvent = Extract<ReaderEvent, { type: 'pdv' }>;

/** The service user above the DUL (the association object). */
export interface DulUser {
  onIndication(ind: Indication): void;
  /** A PDV slice while the association is in data transfer; a promise pauses the socket until it
   *  settles. `ev.data` is valid only during the call (the read buffer is reused, read-buffer.ts). */
  onPdv(ev: PdvEvent): void | Promise<void>;
  /** The transport is gone and the DUL is back in Sta1. Called exactly once. */
  onClosed(): void;
}

export interface DulSocketOptions {
  socket: Socket;
  isRequestor: boolean;
  /** Maximum Length we advertised: caps incoming P-DATA-TF (PS3.8 Annex D.1). */
  maxPduLength: number;
  artimMs: number;
  /** Inactivity (no bytes either way) before the association is aborted; 0 = none. */
  idleMs: number;
  log: Logger;
  /** Size of the reused read buffer (read-buffer.ts); 0 = Node's 'data' events. Default by role. */
  readBufferBytes?: number;
}

/** flushed(): a write of nothing, whose callback runs after every earlier write. */
const EMPTY = Buffer.alloc(0);

const PDU_EVENT: Record<number, DulEvent> = {
  [PDU_TYPE.A_ASSOCIATE_AC]: 'Evt3',
  [PDU_TYPE.A_ASSOCIATE_RJ]: 'Evt4',
  [PDU_TYPE.A_ASSOCIATE_RQ]: 'Evt6',
  [PDU_TYPE.A_RELEASE_RQ]: 'Evt12',
  [PDU_TYPE.A_RELEASE_RP]: 'Evt13',
  [PDU_TYPE.A_ABORT]: 'Evt16',
};

export class DulSocket implements DulPort {
  readonly fsm: StateMachine;
  readonly isRequestor: boolean;
  private readonly socket: Socket;
  private readonly reader: PduReader;
  private readonly artim: ArtimTimer;
  private readonly log: Logger;
  private readonly idleMs: number;
  /** Reads land in one reused buffer (read-buffer.ts) rather than a new Buffer each. */
  readonly reusesReads: boolean;
  private delivering = false;
  private waiting = false;
  private closedFired = false;

  constructor(opts: DulSocketOptions, private readonly user: DulUser) {
    this.socket = opts.socket;
    this.isRequestor = opts.isRequestor;
    this.log = opts.log;
    this.idleMs = opts.idleMs;
    this.reader = new PduReader({ maxPduLength: opts.maxPduLength });
    this.artim = new ArtimTimer(opts.artimMs, () => this.event('Evt18'));
    this.fsm = new StateMachine(this);
    this.socket.setNoDelay(true);
    const readBytes = opts.readBufferBytes ?? (opts.isRequestor ? REQUESTOR_READ_BYTES : ACCEPTOR_READ_BYTES);
    const readBuffer = readBytes > 0 ? Buffer.allocUnsafeSlow(readBytes) : null;
    this.reusesReads = readBuffer !== null && installReadBuffer(this.socket, readBuffer, (bytes) => {
      this.reader.push(bytes);
      this.pump();
      // The next read overwrites `bytes`. The reader holds some of it only when a consumer paused the
      // socket mid-read (pause() stops reads before the next one, and resume() consumes the rest
      // first); that rest is copied now, so no later read can reach it.
      this.reader.detach(bytes);
    });
    if (!this.reusesReads) {
      this.socket.on('data', (chunk: Buffer) => {
        this.reader.push(chunk);
        this.pump();
      });
    }
    this.socket.on('error', (err) => this.log.debug({ err }, 'transport error'));
    this.socket.on('close', () => this.onTransportClosed());
    this.socket.on('timeout', () => this.onIdle());
    if (this.idleMs > 0) this.socket.setTimeout(this.idleMs);
    // An accepted socket arrives paused (server.ts pauseOnConnect) so that the read buffer is in place
    // before its first read; a connecting one starts reading on 'connect'.
    this.socket.resume();
  }

  // ---- local primitives (service user → DUL) ----

  /** SCP side: a transport connection arrived (Evt5 → AE-5, ARTIM started). */
  transportIndication(): void {
    this.event('Evt5');
  }
  /** SCU side: A-ASSOCIATE request (Evt1); the socket is already connecting, Evt2 follows on 'connect'. */
  associateRequest(rq: AssociateRq): void {
    this.event('Evt1');
    if (!this.socket.connecting) this.event('Evt2', { pdu: rq });
    else this.socket.once('connect', () => this.fsm.state === 'Sta4' && this.event('Evt2', { pdu: rq }));
  }
  accept(ac: AssociateAc): void {
    this.event('Evt7', { pdu: ac });
  }
  reject(rj: AssociateRj): void {
    this.event('Evt8', { pdu: rj });
  }
  /**
   * P-DATA request (Evt9): `parts` are one or more whole P-DATA-TF PDUs, back to back, written in one
   * corked write. Returns false when the socket buffer is full: await drained() before more.
   */
  sendPData(parts: readonly Buffer[]): boolean {
    this.event('Evt9', { data: parts });
    return !this.socket.writableNeedDrain;
  }
  releaseRequest(): void {
    this.event('Evt11');
  }
  releaseResponse(): void {
    this.event('Evt14');
  }
  /** A-ABORT request (Evt15); a no-op once the association is already closing. */
  abort(reason: number = ABORT_REASON.NOT_SPECIFIED, source: number = ABORT_SOURCE.USER): void {
    if (this.fsm.can('Evt15')) this.event('Evt15', { source, reason });
    else if (this.fsm.state !== 'Sta13') this.socket.destroy();
  }
  drained(): Promise<void> {
    // A corked group above the stream's highWaterMark sets writableNeedDrain even when the kernel took
    // every byte at once; 'drain' then only follows a tick later. Nothing is left to wait for.
    if (!this.socket.writableNeedDrain || this.allWritten() || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
  /**
   * Whether every byte written so far is with the kernel: nothing is queued in the stream and no write
   * request is pending in libuv (Node counts a write in writableLength until its request completes).
   */
  allWritten(): boolean {
    return this.socket.writableLength === 0;
  }
  /**
   * Resolves once every byte written so far is with the kernel (or the socket is gone): the Buffers
   * given to sendPData are then no longer referenced. A zero-length write queues behind the others,
   * so its callback marks the moment (nothing reaches the wire).
   */
  flushed(): Promise<void> {
    if (this.socket.writableLength === 0 || this.socket.destroyed || this.socket.writableEnded) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.write(EMPTY, () => resolve());
    });
  }
  get state(): string {
    return this.fsm.state;
  }

  // ---- DulPort (called by actions) ----

  connect(): void {
    // AE-1: the socket was created by net.connect() before Evt1; nothing more to do here.
  }
  send(pdu: ControlPdu): void {
    this.log.debug({ pdu: PDU_NAME[pdu.type] }, `sending ${PDU_NAME[pdu.type]}`);
    if (!this.socket.destroyed) this.socket.write(encodePdu(pdu));
  }
  sendData(parts: readonly Buffer[]): void {
    if (this.socket.destroyed) return;
    this.socket.cork();
    for (const p of parts) this.socket.write(p);
    this.socket.uncork();
  }
  closeTransport(): void {
    this.socket.end();
    // A peer that never closes its side must not hold the socket open.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }
  startArtim(): void {
    this.artim.start();
  }
  stopArtim(): void {
    this.artim.stop();
  }
  indicate(ind: Indication): void {
    this.user.onIndication(ind);
  }

  // ---- inbound ----

  private event(evt: DulEvent, payload?: EventPayload): void {
    try {
      const from = this.fsm.state;
      this.fsm.handle(evt, payload);
      this.log.trace({ from, evt, to: this.fsm.state }, 'dul transition');
    } catch (err) {
      // Our own bug (a local event illegal in this state): log, abort this association, carry on.
      this.log.error({ err, evt, state: this.fsm.state }, 'dul invalid event');
      this.socket.destroy();
    }
    if (this.fsm.state === 'Sta1') this.finish();
  }

  private pump(): void {
    while (!this.waiting && this.fsm.state !== 'Sta1') {
      const ev = this.reader.next();
      if (!ev) return;
      const r = this.dispatch(ev);
      if (r) this.waitFor(r);
    }
  }

  private waitFor(p: Promise<void>): void {
    this.waiting = true;
    this.socket.pause();
    if (this.idleMs > 0) this.socket.setTimeout(0);
    p.then(
      () => this.resume(),
      (err: unknown) => {
        this.log.error({ err }, 'pdv consumer failed');
        this.resume();
        this.abort();
      },
    );
  }

  private resume(): void {
    this.waiting = false;
    if (this.idleMs > 0) this.socket.setTimeout(this.idleMs);
    this.socket.resume();
    this.pump();
  }

  private dispatch(ev: ReaderEvent): void | Promise<void> {
    switch (ev.type) {
      case 'pdu':
        this.log.debug({ pdu: PDU_NAME[ev.pdu.type] }, `received ${PDU_NAME[ev.pdu.type]}`);
        return this.event(PDU_EVENT[ev.pdu.type], { pdu: ev.pdu });
      case 'data-start':
        this.event('Evt10');
        this.delivering = this.fsm.state === 'Sta6' || this.fsm.state === 'Sta7';
        return;
      case 'pdv':
        if (this.delivering) return this.user.onPdv(ev);
        return;
      case 'data-end':
        this.delivering = false;
        return;
      case 'error':
        this.log.warn({ reason: ev.reason, detail: ev.message }, 'invalid PDU');
        return this.event('Evt19', { source: ABORT_SOURCE.PROVIDER, reason: ev.reason, detail: ev.message });
    }
  }

  /** Data made it to the consumer but the peer broke the protocol above the DUL (DIMSE): A-ABORT, provider source. */
  protocolError(reason: number, detail: string): void {
    this.log.warn({ reason, detail }, 'protocol error');
    this.delivering = false;
    if (this.fsm.state === 'Sta6' || this.fsm.state === 'Sta7') this.event('Evt19', { source: ABORT_SOURCE.PROVIDER, reason, detail });
  }

  private onTransportClosed(): void {
    this.artim.stop();
    if (this.fsm.state !== 'Sta1') this.event('Evt17');
    this.finish();
  }

  private onIdle(): void {
    this.log.warn({ state: this.fsm.state, idleMs: this.idleMs }, 'idle timeout');
    this.abort();
  }

  private finish(): void {
    if (this.closedFired) return;
    this.closedFired = true;
    this.artim.stop();
    if (!this.socket.destroyed) setTimeout(() => this.socket.destroy(), 1000).unref();
    this.user.onClosed();
  }
}
