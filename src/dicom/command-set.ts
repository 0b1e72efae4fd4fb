// dicom layer: the DIMSE command set codec (group 0000, always Implicit VR Little Endian;
// PS3.7 §6.3, §9.3, Annex E). Bytes in, bytes out: no network, no service logic.
import { ERROR_CODES, GatewayError } from '../errors.js';

/** PS3.7 §9.1 / §10.1 command field values. */
export const COMMAND_FIELD = {
  C_STORE_RQ: 0x0001, C_STORE_RSP: 0x8001,
  C_GET_RQ: 0x0010, C_GET_RSP: 0x8010,
  C_FIND_RQ: 0x0020, C_FIND_RSP: 0x8020,
  C_MOVE_RQ: 0x0021, C_MOVE_RSP: 0x8021,
  C_ECHO_RQ: 0x0030, C_ECHO_RSP: 0x8030,
  N_EVENT_REPORT_RQ: 0x0100, N_EVENT_REPORT_RSP: 0x8100,
  N_GET_RQ: 0x0110, N_GET_RSP: 0x8110,
  N_SET_RQ: 0x0120, N_SET_RSP: 0x8120,
  N_ACTION_RQ: 0x0130, N_ACTION_RSP: 0x8130,
  N_CREATE_RQ: 0x0140, N_CREATE_RSP: 0x8140,
  N_DELETE_RQ: 0x0150, N_DELETE_RSP: 0x8150,
  C_CANCEL_RQ: 0x0fff,
} as const;

/** PS3.7 §E.1: Command Data Set Type 0x0101 = no data set; any other value = a data set follows. */
export const NO_DATASET = 0x0101;
export const DATASET_PRESENT = 0x0000;

/** PS3.7 Annex C and PS3.4 B.2.3: status values used by the services we run. */
export const STATUS = {
  SUCCESS: 0x0000,
  /** Refused: Out of Resources (PS3.4 B.2.3). */
  OUT_OF_RESOURCES: 0xa700,
  /** Error: Data Set does not match SOP Class. */
  DATASET_MISMATCH: 0xa900,
  /** Error: Cannot understand. */
  CANNOT_UNDERSTAND: 0xc000,
  /** PS3.7 C.4.2 Processing failure. */
  PROCESSING_FAILURE: 0x0110,
  SOP_CLASS_NOT_SUPPORTED: 0x0122,
  UNRECOGNIZED_OPERATION: 0x0211,
  /** PS3.4 Table B.2-1 warnings: Coercion of Data Elements, Data Set does not match SOP Class,
   *  Elements Discarded. */
  WARNING_COERCION: 0xb000,
  WARNING_DATASET_MISMATCH: 0xb006,
  WARNING_ELEMENTS_DISCARDED: 0xb007,
} as const;

type Vr = 'UI' | 'US' | 'AE' | 'LO' | 'AT' | 'UL';

/** PS3.7 Annex E, Table E.1-1: the command elements (tag, keyword, VR). */
export const COMMAND_ELEMENTS = [
  [0x00000002, 'affectedSopClassUid', 'UI'],
  [0x00000003, 'requestedSopClassUid', 'UI'],
  [0x00000100, 'commandField', 'US'],
  [0x00000110, 'messageId', 'US'],
  [0x00000120, 'messageIdBeingRespondedTo', 'US'],
  [0x00000600, 'moveDestination', 'AE'],
  [0x00000700, 'priority', 'US'],
  [0x00000800, 'commandDataSetType', 'US'],
  [0x00000900, 'status', 'US'],
  [0x00000901, 'offendingElement', 'AT'],
  [0x00000902, 'errorComment', 'LO'],
  [0x00000903, 'errorId', 'US'],
  [0x00001000, 'affectedSopInstanceUid', 'UI'],
  [0x00001001, 'requestedSopInstanceUid', 'UI'],
  [0x00001002, 'eventTypeId', 'US'],
  [0x00001005, 'attributeIdentifierList', 'AT'],
  [0x00001008, 'actionTypeId', 'US'],
  [0x00001020, 'numberOfRemainingSuboperations', 'US'],
  [0x00001021, 'numberOfCompletedSuboperations', 'US'],
  [0x00001022, 'numberOfFailedSuboperations', 'US'],
  [0x00001023, 'numberOfWarningSuboperations', 'US'],
  [0x00001030, 'moveOriginatorAe', 'AE'],
  [0x00001031, 'moveOriginatorMessageId', 'US'],
] as const;

type Row = (typeof COMMAND_ELEMENTS)[number];
type ValueOf<V extends Vr> = V extends 'US' | 'UL' ? number : V extends 'AT' ? number[] : string;
export type CommandSet = { commandField: number } & {
  -readonly [R in Row as R[1]]?: ValueOf<R[2]>;
};

const BY_TAG = new Map<number, Row>(COMMAND_ELEMENTS.map((r) => [r[0], r]));

/** Largest command set we accept from a peer; real ones are a few hundred bytes. */
export const MAX_COMMAND_LENGTH = 64 * 1024;

function fail(message: string): never {
  throw new GatewayError(ERROR_CODES.DIMSE_COMMAND, message);
}

function encodeValue(vr: Vr, v: unknown): Buffer {
  switch (vr) {
    case 'US': {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(v as number);
      return b;
    }
    case 'UL': {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v as number);
      return b;
    }
    case 'AT': {
      const tags = v as number[];
      const b = Buffer.alloc(tags.length * 4);
      tags.forEach((t, i) => {
        b.writeUInt16LE(t >>> 16, i * 4);
        b.writeUInt16LE(t & 0xffff, i * 4 + 2);
      });
      return b;
    }
    default: {
      // PS3.5 §6.2: UI padded with NUL, text VRs with space, to even length.
      const s = v as string;
      const pad = s.length % 2 ? (vr === 'UI' ? '\0' : ' ') : '';
      return Buffer.from(s + pad, 'latin1');
    }
  }
}

/** Encodes a command set with its CommandGroupLength (0000,0000) first (PS3.7 §E.1). */
export function encodeCommandSet(cmd: CommandSet): Buffer {
  const parts: Buffer[] = [];
  for (const [tag, key, vr] of COMMAND_ELEMENTS) {
    const v = (cmd as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const value = encodeValue(vr, v);
    const h = Buffer.alloc(8);
    h.writeUInt16LE(tag >>> 16, 0);
    h.writeUInt16LE(tag & 0xffff, 2);
    h.writeUInt32LE(value.length, 4);
    parts.push(h, value);
  }
  const body = Buffer.concat(parts);
  const gl = Buffer.alloc(12);
  gl.writeUInt32LE(4, 4); // (0000,0000) UL, length 4
  gl.writeUInt32LE(body.length, 8);
  return Buffer.concat([gl, body]);
}

function decodeValue(vr: Vr, b: Buffer, tag: number): number | number[] | string {
  switch (vr) {
    case 'US':
      if (b.length !== 2) fail(`(0000,${hex4(tag)}) US with length ${b.length}`);
      return b.readUInt16LE(0);
    case 'UL':
      if (b.length !== 4) fail(`(0000,${hex4(tag)}) UL with length ${b.length}`);
      return b.readUInt32LE(0);
    case 'AT': {
      if (b.length % 4) fail(`(0000,${hex4(tag)}) AT with length ${b.length}`);
      const out: number[] = [];
      for (let i = 0; i < b.length; i += 4) out.push(((b.readUInt16LE(i) << 16) | b.readUInt16LE(i + 2)) >>> 0);
      return out;
    }
    case 'UI':
      return b.toString('latin1').replace(/[\0 ]+$/, '');
    default:
      return b.toString('latin1').trim();
  }
}

const hex4 = (t: number): string => (t & 0xffff).toString(16).padStart(4, '0');

/**
 * Decodes a complete command set. The group length must be present first and equal the bytes that
 * follow (PS3.7 §E.1); every element must be group 0000 and fit.
 * @throws GatewayError GW_ERR_DIMSE_COMMAND on any violation.
 */
export function decodeCommandSet(buf: Buffer): CommandSet {
  if (buf.length > MAX_COMMAND_LENGTH) fail(`command set of ${buf.length} bytes over the limit ${MAX_COMMAND_LENGTH}`);
  if (buf.length < 12 || buf.readUInt32LE(0) !== 0 || buf.readUInt32LE(4) !== 4) fail('command set does not start with (0000,0000) UL length 4');
  const groupLength = buf.readUInt32LE(8);
  if (groupLength !== buf.length - 12) fail(`CommandGroupLength ${groupLength} but ${buf.length - 12} bytes follow`);
  const out: Record<string, unknown> = {};
  let pos = 12;
  while (pos < buf.length) {
    if (buf.length - pos < 8) fail('truncated command element header');
    const group = buf.readUInt16LE(pos);
    const tag = ((group << 16) | buf.readUInt16LE(pos + 2)) >>> 0;
    const len = buf.readUInt32LE(pos + 4);
    pos += 8;
    if (group !== 0) fail(`element (${group.toString(16).padStart(4, '0')},${hex4(tag)}) outside group 0000 in the command set`);
    if (len > buf.length - pos) fail(`(0000,${hex4(tag)}) length ${len} overruns the command set`);
    const row = BY_TAG.get(tag);
    if (row) out[row[1]] = decodeValue(row[2], buf.subarray(pos, pos + len), tag);
    pos += len;
  }
  if (typeof out.commandField !== 'number') fail('command set without CommandField (0000,0100)');
  return out as CommandSet;
}

export function hasDataset(cmd: CommandSet): boolean {
  return cmd.commandDataSetType !== undefined && cmd.commandDataSetType !== NO_DATASET;
}
