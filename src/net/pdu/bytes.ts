// net/pdu layer: bounds-checked cursor over one PDU body and a small growable writer.
// No PDU knowledge here; a short read throws PduFormatError, which the codec turns into an abort reason.
import { ABORT_REASON, type AbortReason } from './constants.js';

/** A malformed PDU; `reason` is the A-ABORT provider reason (PS3.8 Table 9-26) to answer with. */
export class PduFormatError extends Error {
  readonly reason: AbortReason;
  constructor(message: string, reason: AbortReason = ABORT_REASON.INVALID_PDU_PARAMETER_VALUE) {
    super(message);
    this.name = 'PduFormatError';
    this.reason = reason;
  }
}

export class Cursor {
  pos: number;
  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }
  remaining(): number {
    return this.end - this.pos;
  }
  need(n: number, what: string): void {
    if (this.end - this.pos < n) throw new PduFormatError(`${what}: needs ${n} bytes, ${this.end - this.pos} left`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }
}

/** UIDs in items: PS3.8 Annex F / PS3.5 §9.1; a trailing NUL pad (sent by some peers) is dropped. */
export function uidString(b: Buffer): string {
  return b.toString('latin1').replace(/[\0 ]+$/, '');
}

/** AE titles: 16 bytes, leading and trailing spaces not significant (PS3.8 §9.3.2, PS3.5 AE VR). */
export function aeString(b: Buffer): string {
  return b.toString('latin1').replace(/\0/g, ' ').trim();
}

export function aeBytes(ae: string): Buffer {
  const out = Buffer.alloc(16, 0x20);
  out.write(ae.slice(0, 16), 'latin1');
  return out;
}

/** Collects encoded parts and joins them once. */
export class Writer {
  private parts: Buffer[] = [];
  private size = 0;
  push(b: Buffer): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }
  u8(v: number): this {
    return this.push(Buffer.from([v & 0xff]));
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    return this.push(b);
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return this.push(b);
  }
  get length(): number {
    return this.size;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/** item-type (1), reserved (1), item-length (2): PS3.8 §9.3.2.x item header. */
export function item(type: number, value: Buffer): Buffer {
  if (value.length > 0xffff) throw new RangeError(`item 0x${type.toString(16)} value longer than 65535 bytes`);
  const h = Buffer.alloc(4 + value.length);
  h[0] = type;
  h.writeUInt16BE(value.length, 2);
  value.copy(h, 4);
  return h;
}
