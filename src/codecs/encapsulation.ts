// Codecs layer: encapsulated Pixel Data items (PS3.5 §A.4): fragments → frames when reading, frames →
// items with a Basic Offset Table (and an Extended Offset Table past 4 GiB) when writing.
// Works on item values only; element headers and dataset walking belong to the dicom layer.
import { GatewayError, ERROR_CODES, describe } from '../errors.js';

const ITEM_TAG = [0xfe, 0xff, 0x00, 0xe0] as const; // (FFFE,E000), little endian
const ITEM_HEADER = 8;
const UINT32_MAX = 0xffffffff;

/** Sequence Delimitation Item (FFFE,E0DD) with length 0, which ends the encapsulated Pixel Data. */
export const SEQUENCE_DELIMITATION_ITEM: Buffer = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);

function itemHeader(length: number): Buffer {
  const h = Buffer.alloc(ITEM_HEADER);
  h.set(ITEM_TAG, 0);
  h.writeUInt32LE(length, 4);
  return h;
}

function fragmentError(message: string): GatewayError {
  return new GatewayError(ERROR_CODES.CODEC_FRAGMENTS, `framesFromFragments: ${message}`);
}

// Groups fragments by byte offsets of each frame's first item, relative to the first fragment item.
function groupByOffsets(fragments: Buffer[], offsets: bigint[]): Buffer[][] {
  const starts = new Map<bigint, number>();
  let pos = 0n;
  fragments.forEach((f, i) => {
    starts.set(pos, i);
    pos += BigInt(ITEM_HEADER + f.length);
  });
  const firsts = offsets.map((o) => {
    const i = starts.get(o);
    if (i === undefined) throw fragmentError(`offset table entry ${o} is not the start of a fragment item`);
    return i;
  });
  return firsts.map((first, k) => {
    const next = k + 1 < firsts.length ? firsts[k + 1] : fragments.length;
    if (next <= first) throw fragmentError('offset table entries are not increasing');
    return fragments.slice(first, next);
  });
}

function isJpegStart(f: Buffer): boolean {
  return f.length >= 3 && f[0] === 0xff && f[1] === 0xd8 && f[2] === 0xff; // SOI then a marker
}

export interface FragmentTables {
  /** Value of Basic Offset Table item (first item); empty or absent when the file has none. */
  basicOffsetTable?: Buffer;
  /** Extended Offset Table (7FE0,0001), OV: 64-bit offsets (PS3.3 §C.7.6.3.1.8). */
  extendedOffsetTable?: Buffer;
}

/**
 * Splits the fragments (items after the Basic Offset Table) into frames (PS3.5 §A.4): one frame takes
 * all fragments; the Basic or Extended Offset Table when present; one fragment per frame when the
 * counts agree; else JPEG frames by their SOI marker.
 * @throws GW_ERR_CODEC_FRAGMENTS when no rule gives `numberOfFrames` frames; GW_ERR_ARGUMENT on bad input.
 */
export function framesFromFragments(
  fragments: Buffer[],
  numberOfFrames: number,
  basicOffsetTable?: Buffer,
  tables: FragmentTables = {},
): Buffer[][] {
  if (!Array.isArray(fragments) || fragments.some((f) => !Buffer.isBuffer(f))) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `framesFromFragments fragments: expected an array of Buffers, found ${describe(fragments)}`);
  }
  if (!Number.isInteger(numberOfFrames) || numberOfFrames < 1) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `framesFromFragments numberOfFrames: expected a positive integer, found ${describe(numberOfFrames)}`);
  }
  if (fragments.length < numberOfFrames) throw fragmentError(`${fragments.length} fragments for ${numberOfFrames} frames`);
  if (numberOfFrames === 1) return [fragments];
  const eot = tables.extendedOffsetTable;
  if (eot && eot.length > 0) {
    if (eot.length !== numberOfFrames * 8) throw fragmentError('Extended Offset Table size does not match NumberOfFrames');
    const offsets = Array.from({ length: numberOfFrames }, (_, i) => eot.readBigUInt64LE(i * 8));
    return groupByOffsets(fragments, offsets);
  }
  const bot = basicOffsetTable ?? tables.basicOffsetTable;
  if (bot && bot.length > 0) {
    if (bot.length !== numberOfFrames * 4) throw fragmentError('Basic Offset Table size does not match NumberOfFrames');
    const offsets = Array.from({ length: numberOfFrames }, (_, i) => BigInt(bot.readUInt32LE(i * 4)));
    return groupByOffsets(fragments, offsets);
  }
  if (fragments.length === numberOfFrames) return fragments.map((f) => [f]);
  const frames: Buffer[][] = [];
  for (const f of fragments) {
    if (isJpegStart(f) || frames.length === 0) frames.push([f]);
    else frames[frames.length - 1].push(f);
  }
  if (frames.length !== numberOfFrames) {
    throw fragmentError(`no offset table and ${frames.length} JPEG frame starts for ${numberOfFrames} frames`);
  }
  return frames;
}

export interface Encapsulated {
  /** Basic Offset Table item, then one item per frame (header + value, even length). */
  items: Buffer[];
  /** Set when the items exceed 4 GiB: the Basic Offset Table is then empty (PS3.5 §A.4). */
  extendedOffsetTable?: Buffer;
  extendedOffsetTableLengths?: Buffer;
}

/**
 * Builds the encapsulated Pixel Data items: one fragment per frame, each padded to an even length
 * with 0x00, preceded by a Basic Offset Table (PS3.5 §A.4, Table A.4-1). When an offset would not fit
 * 32 bits, the Basic Offset Table is left empty and an Extended Offset Table (+ lengths) is returned.
 * The caller writes the (7FE0,0010) header before and SEQUENCE_DELIMITATION_ITEM after the items.
 * @throws GW_ERR_ARGUMENT for an empty list or a fragment above 4 GiB - 2.
 */
export function encapsulate(frames: Buffer[]): Encapsulated {
  if (!Array.isArray(frames) || frames.length === 0 || frames.some((f) => !Buffer.isBuffer(f))) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `encapsulate frames: expected a non-empty array of Buffers, found ${describe(frames)}`);
  }
  const items = frames.map((f, i) => {
    const padded = f.length + (f.length & 1);
    if (padded > UINT32_MAX - 1) {
      throw new GatewayError(ERROR_CODES.ARGUMENT, `encapsulate frames[${i}]: expected at most 4 GiB - 2 bytes, found ${f.length}`);
    }
    const parts = [itemHeader(padded), f];
    if (padded !== f.length) parts.push(Buffer.alloc(1));
    return Buffer.concat(parts);
  });
  const tables = offsetTables(items.map((it) => it.length - ITEM_HEADER));
  return { items: [Buffer.concat([itemHeader(tables.basicOffsetTable.length), tables.basicOffsetTable]), ...items], ...tables.extended };
}

/**
 * The offset tables for frames whose item values are `lengths` bytes long (even): a Basic Offset Table
 * of 32-bit offsets of each item from the first one, or, when the last offset does not fit 32 bits,
 * an empty BOT plus Extended Offset Table and Extended Offset Table Lengths (PS3.5 §A.4;
 * PS3.3 §C.7.6.3.1.8). Exported for tests: sizes above 4 GiB cannot be built in memory there.
 */
export function offsetTables(lengths: number[]): {
  basicOffsetTable: Buffer;
  extended?: { extendedOffsetTable: Buffer; extendedOffsetTableLengths: Buffer };
} {
  const offsets: number[] = [];
  let pos = 0;
  for (const len of lengths) {
    offsets.push(pos);
    pos += ITEM_HEADER + len;
  }
  if (offsets[offsets.length - 1] <= UINT32_MAX) {
    const bot = Buffer.alloc(4 * offsets.length);
    offsets.forEach((o, i) => bot.writeUInt32LE(o, i * 4));
    return { basicOffsetTable: bot };
  }
  const eot = Buffer.alloc(8 * offsets.length);
  const eotl = Buffer.alloc(8 * offsets.length);
  offsets.forEach((o, i) => {
    eot.writeBigUInt64LE(BigInt(o), i * 8);
    eotl.writeBigUInt64LE(BigInt(lengths[i]), i * 8);
  });
  return { basicOffsetTable: Buffer.alloc(0), extended: { extendedOffsetTable: eot, extendedOffsetTableLengths: eotl } };
}
