// net/pdu layer: whole-PDU encode/decode (PS3.8 §9.3.2-9.3.8). The streaming path for P-DATA-TF is
// reader.ts; here P-DATA-TF is only encoded (small messages, tests). No sockets, no state.
import {
  ABORT_REASON,
  PDU_HEADER_LENGTH,
  PDU_TYPE,
  PDV_HEADER_LENGTH,
} from './constants.js';
import { Cursor, PduFormatError, Writer, aeBytes, aeString } from './bytes.js';
import { decodeVariableItems, encodeApplicationContext, encodePcAc, encodePcRq, encodeUserInfo } from './items.js';
import { emptyUserInformation, type AssociateAc, type AssociateRq, type ControlPdu, type Pdu, type Pdv } from './types.js';

/** PDU header: type, reserved, 4-byte big-endian length of what follows (PS3.8 §9.3.1). */
export function pduHeader(type: number, length: number): Buffer {
  const h = Buffer.alloc(PDU_HEADER_LENGTH);
  h[0] = type;
  h.writeUInt32BE(length >>> 0, 2);
  return h;
}

/** PDV item header: item length (context + control + data), context ID, control (PS3.8 §9.3.5.1). */
export function pdvHeader(dataLength: number, contextId: number, control: number): Buffer {
  const h = Buffer.alloc(PDV_HEADER_LENGTH);
  h.writeUInt32BE(dataLength + 2, 0);
  h[4] = contextId;
  h[5] = control;
  return h;
}

/**
 * The headers of a P-DATA-TF PDU with a single PDV of `dataLength` bytes, as one 12-byte buffer: PDU
 * header (type 04H, reserved, PDU length) then PDV item header (PS3.8 §9.3.5, §9.3.5.1). One small
 * write per PDU instead of two, from Node's pooled allocator: the data set send path makes one per
 * PDU (32 for a 512 KiB instance at DCMTK's default 16 KiB).
 */
export function pDataHeaders(dataLength: number, contextId: number, control: number): Buffer {
  const h = Buffer.allocUnsafe(PDU_HEADER_LENGTH + PDV_HEADER_LENGTH);
  h[0] = PDU_TYPE.P_DATA_TF;
  h[1] = 0;
  h.writeUInt32BE((dataLength + PDV_HEADER_LENGTH) >>> 0, 2);
  h.writeUInt32BE((dataLength + 2) >>> 0, 6);
  h[10] = contextId;
  h[11] = control;
  return h;
}

export function encodePdu(pdu: Pdu): Buffer {
  switch (pdu.type) {
    case PDU_TYPE.A_ASSOCIATE_RQ:
    case PDU_TYPE.A_ASSOCIATE_AC:
      return encodeAssociate(pdu);
    case PDU_TYPE.A_ASSOCIATE_RJ:
      return Buffer.concat([pduHeader(pdu.type, 4), Buffer.from([0, pdu.result, pdu.source, pdu.reason])]);
    case PDU_TYPE.P_DATA_TF:
      return encodePDataTf(pdu.pdvs);
    case PDU_TYPE.A_RELEASE_RQ:
    case PDU_TYPE.A_RELEASE_RP:
      return Buffer.concat([pduHeader(pdu.type, 4), Buffer.alloc(4)]);
    case PDU_TYPE.A_ABORT:
      return Buffer.concat([pduHeader(pdu.type, 4), Buffer.from([0, 0, pdu.source, pdu.reason])]);
  }
}

export function encodePDataTf(pdvs: readonly Pdv[]): Buffer {
  const w = new Writer();
  for (const p of pdvs) w.push(pdvHeader(p.data.length, p.contextId, p.control)).push(p.data);
  return Buffer.concat([pduHeader(PDU_TYPE.P_DATA_TF, w.length), w.toBuffer()]);
}

/** PS3.8 Tables 9-11 (RQ) and 9-17 (AC): fixed 68-byte part, then variable items. */
function encodeAssociate(pdu: AssociateRq | AssociateAc): Buffer {
  const w = new Writer();
  w.u16(pdu.protocolVersion).u16(0).push(aeBytes(pdu.calledAe)).push(aeBytes(pdu.callingAe)).push(Buffer.alloc(32));
  w.push(encodeApplicationContext(pdu.applicationContext));
  if (pdu.type === PDU_TYPE.A_ASSOCIATE_RQ) for (const pc of pdu.presentationContexts) w.push(encodePcRq(pc));
  else for (const pc of pdu.presentationContexts) w.push(encodePcAc(pc));
  w.push(encodeUserInfo(pdu.userInfo));
  return Buffer.concat([pduHeader(pdu.type, w.length), w.toBuffer()]);
}

/**
 * Decodes the body of a non-P-DATA PDU (everything after the 6-byte header).
 * @throws PduFormatError with the A-ABORT reason to answer (PS3.8 Table 9-26).
 */
export function decodeControlPdu(type: number, body: Buffer): ControlPdu {
  const c = new Cursor(body);
  switch (type) {
    case PDU_TYPE.A_ASSOCIATE_RQ:
    case PDU_TYPE.A_ASSOCIATE_AC:
      return decodeAssociate(type, c);
    case PDU_TYPE.A_ASSOCIATE_RJ: {
      c.skip(1, 'reserved');
      const result = c.u8('result');
      const source = c.u8('source');
      return { type, result, source, reason: c.u8('reason/diag.') };
    }
    case PDU_TYPE.A_RELEASE_RQ:
    case PDU_TYPE.A_RELEASE_RP:
      c.skip(4, 'reserved');
      return { type };
    case PDU_TYPE.A_ABORT: {
      c.skip(2, 'reserved');
      const source = c.u8('source');
      return { type, source, reason: c.u8('reason/diag.') };
    }
    default:
      throw new PduFormatError(`unrecognized PDU type 0x${type.toString(16)}`, ABORT_REASON.UNRECOGNIZED_PDU);
  }
}

function decodeAssociate(type: 0x01 | 0x02, c: Cursor): AssociateRq | AssociateAc {
  const protocolVersion = c.u16('protocol-version');
  c.skip(2, 'reserved');
  const calledAe = aeString(c.bytes(16, 'called-AE-title'));
  const callingAe = aeString(c.bytes(16, 'calling-AE-title'));
  c.skip(32, 'reserved');
  const items = decodeVariableItems(c, type === PDU_TYPE.A_ASSOCIATE_RQ);
  if (items.applicationContext === undefined)
    throw new PduFormatError('no application context item', ABORT_REASON.INVALID_PDU_PARAMETER_VALUE);
  const userInfo = items.userInfo ?? emptyUserInformation();
  const base = { protocolVersion, calledAe, callingAe, applicationContext: items.applicationContext, userInfo };
  return type === PDU_TYPE.A_ASSOCIATE_RQ
    ? { type, ...base, presentationContexts: items.presentationContextsRq }
    : { type, ...base, presentationContexts: items.presentationContextsAc };
}
