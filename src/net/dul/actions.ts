// net/dul layer: the action functions of PS3.8 §9.2.2, Table 9-6..9-9 (AE-n, DT-n, AR-n, AA-n).
// Each does what the standard lists and returns the next state; I/O goes through the DulPort
// (socket adapter or a test double). No negotiation or DIMSE logic here.
import { ABORT_REASON, ABORT_SOURCE, PDU_TYPE, PROTOCOL_VERSION, RJ_REASON_ACSE, RJ_RESULT, RJ_SOURCE } from '../pdu/constants.js';
import type { AssociateAc, AssociateRj, AssociateRq, ControlPdu } from '../pdu/types.js';
import type { ActionName, State } from './table.js';

export type Indication =
  | { kind: 'associate-rq'; pdu: AssociateRq }
  | { kind: 'associate-ac'; pdu: AssociateAc }
  | { kind: 'associate-rj'; pdu: AssociateRj }
  | { kind: 'p-data' }
  | { kind: 'release-rq'; collision: boolean }
  | { kind: 'release-confirm' }
  /** A-ABORT from the peer's service user. */
  | { kind: 'abort'; source: number; reason: number }
  /** A-P-ABORT: the provider (either side's) ended the association. */
  | { kind: 'p-abort'; reason: number; detail: string };

/** What the state machine needs from its surroundings (socket adapter, or a test double). */
export interface DulPort {
  readonly isRequestor: boolean;
  connect(): void;
  send(pdu: ControlPdu): void;
  sendData(parts: readonly Buffer[]): void;
  closeTransport(): void;
  startArtim(): void;
  stopArtim(): void;
  indicate(ind: Indication): void;
}

/** Parameters of an event: the PDU received or to send, data to send, abort reason/detail. */
export interface EventPayload {
  pdu?: ControlPdu;
  data?: readonly Buffer[];
  source?: number;
  reason?: number;
  detail?: string;
}

type Action = { description: string; run(port: DulPort, p: EventPayload): State };

function need<T extends ControlPdu['type']>(p: EventPayload, type: T): Extract<ControlPdu, { type: T }> {
  if (!p.pdu || p.pdu.type !== type) throw new Error(`DUL action needs a PDU of type ${type}`);
  return p.pdu as Extract<ControlPdu, { type: T }>;
}

function providerAbort(port: DulPort, p: EventPayload): void {
  port.send({ type: PDU_TYPE.A_ABORT, source: ABORT_SOURCE.PROVIDER, reason: p.reason ?? ABORT_REASON.UNEXPECTED_PDU });
}

/** PS3.8 Tables 9-6 (AE), 9-7 (DT), 9-8 (AR), 9-9 (AA). */
export const ACTIONS: Record<ActionName, Action> = {
  'AE-1': { description: 'Issue TRANSPORT CONNECT request primitive to local transport service', run: (port) => (port.connect(), 'Sta4') },
  'AE-2': { description: 'Send A-ASSOCIATE-RQ-PDU', run: (port, p) => (port.send(need(p, PDU_TYPE.A_ASSOCIATE_RQ)), 'Sta5') },
  'AE-3': { description: 'Issue A-ASSOCIATE confirmation (accept) primitive', run: (port, p) => (port.indicate({ kind: 'associate-ac', pdu: need(p, PDU_TYPE.A_ASSOCIATE_AC) }), 'Sta6') },
  'AE-4': {
    description: 'Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection',
    run: (port, p) => (port.indicate({ kind: 'associate-rj', pdu: need(p, PDU_TYPE.A_ASSOCIATE_RJ) }), port.closeTransport(), 'Sta1'),
  },
  'AE-5': { description: 'Issue Transport connection response primitive; start ARTIM timer', run: (port) => (port.startArtim(), 'Sta2') },
  'AE-6': {
    description: 'Stop ARTIM timer and if A-ASSOCIATE-RQ acceptable by service-provider issue A-ASSOCIATE indication, otherwise issue A-ASSOCIATE-RJ-PDU and start ARTIM',
    run(port, p) {
      port.stopArtim();
      const rq = need(p, PDU_TYPE.A_ASSOCIATE_RQ);
      // PS3.8 §9.3.2: bit 0 of the protocol version must be set; otherwise reject (Table 9-21).
      if ((rq.protocolVersion & PROTOCOL_VERSION) === 0) {
        port.send({ type: PDU_TYPE.A_ASSOCIATE_RJ, result: RJ_RESULT.PERMANENT, source: RJ_SOURCE.PROVIDER_ACSE, reason: RJ_REASON_ACSE.PROTOCOL_VERSION_NOT_SUPPORTED });
        port.startArtim();
        return 'Sta13';
      }
      port.indicate({ kind: 'associate-rq', pdu: rq });
      return 'Sta3';
    },
  },
  'AE-7': { description: 'Send A-ASSOCIATE-AC PDU', run: (port, p) => (port.send(need(p, PDU_TYPE.A_ASSOCIATE_AC)), 'Sta6') },
  'AE-8': { description: 'Send A-ASSOCIATE-RJ PDU and start ARTIM timer', run: (port, p) => (port.send(need(p, PDU_TYPE.A_ASSOCIATE_RJ)), port.startArtim(), 'Sta13') },
  'DT-1': { description: 'Send P-DATA-TF PDU', run: (port, p) => (port.sendData(p.data ?? []), 'Sta6') },
  'DT-2': { description: 'Send P-DATA indication primitive', run: (port) => (port.indicate({ kind: 'p-data' }), 'Sta6') },
  'AR-1': { description: 'Send A-RELEASE-RQ PDU', run: (port) => (port.send({ type: PDU_TYPE.A_RELEASE_RQ }), 'Sta7') },
  'AR-2': { description: 'Issue A-RELEASE indication primitive', run: (port) => (port.indicate({ kind: 'release-rq', collision: false }), 'Sta8') },
  'AR-3': { description: 'Issue A-RELEASE confirmation primitive, and close transport connection', run: (port) => (port.indicate({ kind: 'release-confirm' }), port.closeTransport(), 'Sta1') },
  'AR-4': { description: 'Issue A-RELEASE-RP PDU and start ARTIM timer', run: (port) => (port.send({ type: PDU_TYPE.A_RELEASE_RP }), port.startArtim(), 'Sta13') },
  'AR-5': { description: 'Stop ARTIM timer', run: (port) => (port.stopArtim(), 'Sta1') },
  'AR-6': { description: 'Issue P-DATA indication', run: (port) => (port.indicate({ kind: 'p-data' }), 'Sta7') },
  'AR-7': { description: 'Issue P-DATA-TF PDU', run: (port, p) => (port.sendData(p.data ?? []), 'Sta8') },
  'AR-8': {
    description: 'Issue A-RELEASE indication (release collision): requestor → Sta9, acceptor → Sta10',
    run: (port) => (port.indicate({ kind: 'release-rq', collision: true }), port.isRequestor ? 'Sta9' : 'Sta10'),
  },
  'AR-9': { description: 'Send A-RELEASE-RP PDU', run: (port) => (port.send({ type: PDU_TYPE.A_RELEASE_RP }), 'Sta11') },
  'AR-10': { description: 'Issue A-RELEASE confirmation primitive', run: (port) => (port.indicate({ kind: 'release-confirm' }), 'Sta12') },
  'AA-1': {
    description: 'Send A-ABORT PDU (service-user source) and start (or restart) ARTIM timer',
    run(port, p) {
      port.send({ type: PDU_TYPE.A_ABORT, source: p.source ?? ABORT_SOURCE.USER, reason: p.reason ?? ABORT_REASON.NOT_SPECIFIED });
      port.startArtim();
      return 'Sta13';
    },
  },
  'AA-2': { description: 'Stop ARTIM timer if running. Close transport connection', run: (port) => (port.stopArtim(), port.closeTransport(), 'Sta1') },
  'AA-3': {
    description: 'Issue A-ABORT (service-user source) or A-P-ABORT (provider source) indication and close transport',
    run(port, p) {
      const ab = need(p, PDU_TYPE.A_ABORT);
      if (ab.source === ABORT_SOURCE.USER) port.indicate({ kind: 'abort', source: ab.source, reason: ab.reason });
      else port.indicate({ kind: 'p-abort', reason: ab.reason, detail: 'A-ABORT from peer (service-provider source)' });
      port.closeTransport();
      return 'Sta1';
    },
  },
  'AA-4': { description: 'Issue A-P-ABORT indication primitive', run: (port) => (port.indicate({ kind: 'p-abort', reason: ABORT_REASON.NOT_SPECIFIED, detail: 'transport closed' }), 'Sta1') },
  'AA-5': { description: 'Stop ARTIM timer', run: (port) => (port.stopArtim(), 'Sta1') },
  'AA-6': { description: 'Ignore PDU', run: () => 'Sta13' },
  'AA-7': { description: 'Send A-ABORT PDU', run: (port, p) => (providerAbort(port, p), 'Sta13') },
  'AA-8': {
    description: 'Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, and start ARTIM timer',
    run(port, p) {
      providerAbort(port, p);
      port.indicate({ kind: 'p-abort', reason: p.reason ?? ABORT_REASON.UNEXPECTED_PDU, detail: p.detail ?? 'unexpected PDU' });
      port.startArtim();
      return 'Sta13';
    },
  },
};
