// net/pdu layer: variable items of A-ASSOCIATE-RQ/AC (PS3.8 §9.3.2-9.3.3, Annex D; PS3.7 Annex D.3.3).
// Pure byte work; it neither judges the values (that is acse/) nor touches sockets.
import { ABORT_REASON, ITEM_TYPE } from './constants.js';
import { Cursor, PduFormatError, Writer, item, uidString } from './bytes.js';
import {
  emptyUserInformation,
  type PresentationContextAc,
  type PresentationContextRq,
  type UserInformation,
} from './types.js';

export interface VariableItems {
  applicationContext?: string;
  presentationContextsRq: PresentationContextRq[];
  presentationContextsAc: PresentationContextAc[];
  userInfo?: UserInformation;
}

/** Walks the variable items of an A-ASSOCIATE-RQ/AC body. `rq` selects which PC item type is legal. */
export function decodeVariableItems(c: Cursor, rq: boolean): VariableItems {
  const out: VariableItems = { presentationContextsRq: [], presentationContextsAc: [] };
  while (c.remaining() > 0) {
    const type = c.u8('item-type');
    c.skip(1, 'item reserved');
    const len = c.u16('item-length');
    const v = new Cursor(c.buf, c.pos, c.pos + len);
    c.skip(len, `item 0x${type.toString(16)}`);
    switch (type) {
      case ITEM_TYPE.APPLICATION_CONTEXT:
        out.applicationContext = uidString(v.bytes(len, 'application context name'));
        break;
      case ITEM_TYPE.PRESENTATION_CONTEXT_RQ:
        if (!rq) throw new PduFormatError('RQ presentation context in A-ASSOCIATE-AC', ABORT_REASON.UNEXPECTED_PDU_PARAMETER);
        out.presentationContextsRq.push(decodePcRq(v));
        break;
      case ITEM_TYPE.PRESENTATION_CONTEXT_AC:
        if (rq) throw new PduFormatError('AC presentation context in A-ASSOCIATE-RQ', ABORT_REASON.UNEXPECTED_PDU_PARAMETER);
        out.presentationContextsAc.push(decodePcAc(v));
        break;
      case ITEM_TYPE.USER_INFORMATION:
        out.userInfo = decodeUserInfo(v);
        break;
      default:
        // PS3.8 §9.3.2: items of unrecognized type are ignored (forward compatibility).
        break;
    }
  }
  return out;
}

/** PS3.8 §9.3.2.2, Table 9-13 and sub-items Tables 9-14, 9-15. */
function decodePcRq(c: Cursor): PresentationContextRq {
  const id = c.u8('presentation-context-ID');
  c.skip(3, 'presentation context reserved');
  let abstractSyntax: string | undefined;
  const transferSyntaxes: string[] = [];
  while (c.remaining() > 0) {
    const type = c.u8('sub-item-type');
    c.skip(1, 'sub-item reserved');
    const len = c.u16('sub-item-length');
    const value = uidString(c.bytes(len, 'sub-item value'));
    if (type === ITEM_TYPE.ABSTRACT_SYNTAX) abstractSyntax = value;
    else if (type === ITEM_TYPE.TRANSFER_SYNTAX) transferSyntaxes.push(value);
    else throw new PduFormatError(`sub-item 0x${type.toString(16)} in presentation context`, ABORT_REASON.UNRECOGNIZED_PDU_PARAMETER);
  }
  if (abstractSyntax === undefined) throw new PduFormatError(`presentation context ${id} has no abstract syntax`);
  return { id, abstractSyntax, transferSyntaxes };
}

/** PS3.8 §9.3.3.2, Table 9-18. */
function decodePcAc(c: Cursor): PresentationContextAc {
  const id = c.u8('presentation-context-ID');
  c.skip(1, 'reserved');
  const result = c.u8('result/reason');
  c.skip(1, 'reserved');
  let transferSyntax = '';
  while (c.remaining() > 0) {
    const type = c.u8('sub-item-type');
    c.skip(1, 'sub-item reserved');
    const len = c.u16('sub-item-length');
    const value = uidString(c.bytes(len, 'sub-item value'));
    if (type === ITEM_TYPE.TRANSFER_SYNTAX) transferSyntax = value;
  }
  return { id, result, transferSyntax };
}

/** PS3.8 Annex D.1 and PS3.7 Annex D.3.3 sub-items; unknown sub-items are kept raw (PS3.7 D.3.3: ignored). */
export function decodeUserInfo(c: Cursor): UserInformation {
  const u = emptyUserInformation();
  while (c.remaining() > 0) {
    const type = c.u8('sub-item-type');
    c.skip(1, 'sub-item reserved');
    const len = c.u16('sub-item-length');
    const v = new Cursor(c.buf, c.pos, c.pos + len);
    c.skip(len, `user information sub-item 0x${type.toString(16)}`);
    decodeUserSubItem(u, type, v);
  }
  return u;
}

function decodeUserSubItem(u: UserInformation, type: number, v: Cursor): void {
  switch (type) {
    case ITEM_TYPE.MAXIMUM_LENGTH:
      u.maxLength = v.u32('maximum-length-received');
      return;
    case ITEM_TYPE.IMPLEMENTATION_CLASS_UID:
      u.implementationClassUid = uidString(v.bytes(v.remaining(), 'implementation class uid'));
      return;
    case ITEM_TYPE.IMPLEMENTATION_VERSION_NAME:
      u.implementationVersionName = v.bytes(v.remaining(), 'implementation version name').toString('latin1').trim();
      return;
    case ITEM_TYPE.ASYNC_OPERATIONS_WINDOW:
      u.asyncOperationsWindow = { invoked: v.u16('max-operations-invoked'), performed: v.u16('max-operations-performed') };
      return;
    case ITEM_TYPE.ROLE_SELECTION: {
      const n = v.u16('uid-length');
      const sopClassUid = uidString(v.bytes(n, 'role selection sop class uid'));
      u.roleSelections.push({ sopClassUid, scuRole: v.u8('scu-role'), scpRole: v.u8('scp-role') });
      return;
    }
    case ITEM_TYPE.SOP_CLASS_EXTENDED_NEGOTIATION: {
      const n = v.u16('sop-class-uid-length');
      const sopClassUid = uidString(v.bytes(n, 'extended negotiation sop class uid'));
      u.extendedNegotiations.push({ sopClassUid, info: Buffer.from(v.bytes(v.remaining(), 'application info')) });
      return;
    }
    case ITEM_TYPE.USER_IDENTITY_RQ: {
      const identityType = v.u8('user-identity-type');
      const positiveResponseRequested = v.u8('positive-response-requested') === 1;
      const primaryField = Buffer.from(v.bytes(v.u16('primary-field-length'), 'primary field'));
      const secondaryField = Buffer.from(v.bytes(v.u16('secondary-field-length'), 'secondary field'));
      u.userIdentityRq = { identityType, positiveResponseRequested, primaryField, secondaryField };
      return;
    }
    case ITEM_TYPE.USER_IDENTITY_AC:
      u.userIdentityAc = { serverResponse: Buffer.from(v.bytes(v.u16('server-response-length'), 'server response')) };
      return;
    default:
      u.other.push({ type, value: Buffer.from(v.bytes(v.remaining(), 'sub-item')) });
  }
}

export function encodeApplicationContext(uid: string): Buffer {
  return item(ITEM_TYPE.APPLICATION_CONTEXT, Buffer.from(uid, 'latin1'));
}

export function encodePcRq(pc: PresentationContextRq): Buffer {
  const w = new Writer().push(Buffer.from([pc.id, 0, 0, 0]));
  w.push(item(ITEM_TYPE.ABSTRACT_SYNTAX, Buffer.from(pc.abstractSyntax, 'latin1')));
  for (const ts of pc.transferSyntaxes) w.push(item(ITEM_TYPE.TRANSFER_SYNTAX, Buffer.from(ts, 'latin1')));
  return item(ITEM_TYPE.PRESENTATION_CONTEXT_RQ, w.toBuffer());
}

export function encodePcAc(pc: PresentationContextAc): Buffer {
  const w = new Writer().push(Buffer.from([pc.id, 0, pc.result, 0]));
  w.push(item(ITEM_TYPE.TRANSFER_SYNTAX, Buffer.from(pc.transferSyntax, 'latin1')));
  return item(ITEM_TYPE.PRESENTATION_CONTEXT_AC, w.toBuffer());
}

export function encodeUserInfo(u: UserInformation): Buffer {
  const w = new Writer();
  if (u.maxLength !== undefined) w.push(item(ITEM_TYPE.MAXIMUM_LENGTH, u32(u.maxLength)));
  if (u.implementationClassUid !== undefined)
    w.push(item(ITEM_TYPE.IMPLEMENTATION_CLASS_UID, Buffer.from(u.implementationClassUid, 'latin1')));
  if (u.asyncOperationsWindow) {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(u.asyncOperationsWindow.invoked, 0);
    b.writeUInt16BE(u.asyncOperationsWindow.performed, 2);
    w.push(item(ITEM_TYPE.ASYNC_OPERATIONS_WINDOW, b));
  }
  for (const r of u.roleSelections) {
    const uid = Buffer.from(r.sopClassUid, 'latin1');
    w.push(item(ITEM_TYPE.ROLE_SELECTION, Buffer.concat([u16(uid.length), uid, Buffer.from([r.scuRole, r.scpRole])])));
  }
  if (u.implementationVersionName !== undefined)
    w.push(item(ITEM_TYPE.IMPLEMENTATION_VERSION_NAME, Buffer.from(u.implementationVersionName, 'latin1')));
  for (const e of u.extendedNegotiations) {
    const uid = Buffer.from(e.sopClassUid, 'latin1');
    w.push(item(ITEM_TYPE.SOP_CLASS_EXTENDED_NEGOTIATION, Buffer.concat([u16(uid.length), uid, e.info])));
  }
  for (const o of u.other) w.push(item(o.type, o.value));
  if (u.userIdentityRq) {
    const r = u.userIdentityRq;
    w.push(item(ITEM_TYPE.USER_IDENTITY_RQ, Buffer.concat([
      Buffer.from([r.identityType, r.positiveResponseRequested ? 1 : 0]),
      u16(r.primaryField.length), r.primaryField, u16(r.secondaryField.length), r.secondaryField,
    ])));
  }
  if (u.userIdentityAc) {
    const s = u.userIdentityAc.serverResponse;
    w.push(item(ITEM_TYPE.USER_IDENTITY_AC, Buffer.concat([u16(s.length), s])));
  }
  return item(ITEM_TYPE.USER_INFORMATION, w.toBuffer());
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}
