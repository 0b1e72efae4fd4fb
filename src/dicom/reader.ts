// Streaming DICOM dataset reader (dicom layer). Fed arbitrary chunks, it emits elements as they
// complete; bulk values (OB/OW/OF/OD/OL/OV/UN, fragments, anything above `bulkThreshold`) are handed
// on as slices of the input Buffers, never copied or accumulated. Only element headers that straddle
// two chunks are copied (into a 12-byte carry). Memory: O(largest non-bulk value + nesting depth).
// It performs no I/O and knows nothing of networks or the spool.
import zlib from 'node:zlib';
import { DicomParseError, ERROR_CODES } from '../errors.js';
import { implicitVr } from './dictionary.js';
import { encodingOf, ENC_EXPLICIT_LE, ENC_EXPLICIT_BE, ENC_IMPLICIT_LE, type Encoding } from './encoding.js';
import { uidValue } from './values.js';
import {
  ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, UNDEFINED_LENGTH, VR_TABLE, vrFromBytes, type Vr,
} from './vr.js';

/** One element, item or fragment header as read. */
export interface Element {
  readonly tag: number;
  /** From the stream (explicit VR) or the dictionary (implicit VR); 'SQ'-like for items is not set. */
  readonly vr: Vr;
  /** Value length; UNDEFINED_LENGTH (0xFFFFFFFF) for undefined-length sequences and items. */
  readonly length: number;
  /** Stream offset of the header's first byte (in the inflated stream for Deflated syntaxes). */
  readonly offset: number;
  /** 0 for top-level elements, +1 per enclosing item. */
  readonly depth: number;
  /** Encoding the element was read in (differs from the dataset's inside UN sequences, PS3.5 §6.2.2). */
  readonly encoding: Encoding;
}

export interface FileMetaInfo {
  readonly transferSyntax: string;
  /** Elements of group 0002 (tag → raw value). */
  readonly elements: ReadonlyMap<number, Buffer>;
  /** Offset of the first dataset byte in the input stream (after preamble and meta group). */
  readonly datasetOffset: number;
  readonly hasPreamble: boolean;
}

/** Callbacks; all optional. Values passed are views valid only until the callback returns unless
 *  the caller keeps them (they are slices of input Buffers, which the caller must not reuse). */
export interface DatasetHandler {
  element?(el: Element, value: Buffer): void;
  bulkStart?(el: Element): void;
  bulkData?(el: Element, chunk: Buffer): void;
  bulkEnd?(el: Element): void;
  sequenceStart?(el: Element): void;
  sequenceEnd?(el: Element): void;
  itemStart?(item: Element): void;
  itemEnd?(item: Element): void;
  /** Pixel Data with undefined length (PS3.5 §A.4): fragments follow, the first is the Basic Offset Table. */
  encapsulatedStart?(el: Element): void;
  encapsulatedEnd?(el: Element): void;
  fragmentStart?(frag: Element, index: number): void;
  fragmentData?(frag: Element, chunk: Buffer, index: number): void;
  fragmentEnd?(frag: Element, index: number): void;
  /** Part-10 file meta group complete; dataset elements follow in `meta.transferSyntax`. */
  metaEnd?(meta: FileMetaInfo): void;
}

export interface ReaderOptions {
  /** 'part10': preamble + "DICM" + meta; 'dataset': bare dataset in `transferSyntax`;
   *  'auto' (default): Part-10 with or without preamble, else a bare dataset whose encoding is sniffed. */
  format?: 'part10' | 'dataset' | 'auto';
  /** Transfer syntax of a bare dataset ('dataset' format; 'auto' falls back to sniffing). */
  transferSyntax?: string;
  /** Values longer than this are streamed like bulk data whatever their VR. Default 64 KiB. */
  bulkThreshold?: number;
  /** Odd lengths of byte-oriented VRs (text, OB, UN) are errors when true; default false (accepted,
   *  as DCMTK does). Lengths that are not a multiple of a multi-byte VR's word are always errors. */
  strictOddLength?: boolean;
  /** Maximum sequence nesting. Default 32. */
  maxDepth?: number;
}

type Container =
  | { kind: 'seq'; el: Element; end: number; enc: Encoding }
  | { kind: 'item'; el: Element; end: number; enc: Encoding }
  | { kind: 'encap'; el: Element; end: number; enc: Encoding; fragments: number };

const enum Mode { Preamble, Header, Inline, Bulk, Fragment, Deflate, Done }

const PIXEL_DATA = 0x7fe00010;
const META_GROUP = 0x0002;
const PREAMBLE = 132;
const INF = Number.POSITIVE_INFINITY;

function err(code: string, message: string, offset: number): DicomParseError {
  return new DicomParseError(code as DicomParseError['code'], message, offset);
}

const hex = (tag: number): string =>
  `(${(tag >>> 16).toString(16).padStart(4, '0').toUpperCase()},${(tag & 0xffff).toString(16).padStart(4, '0').toUpperCase()})`;

/**
 * Push parser. `write()` may be called with chunks of any size (1 byte works); `end()` checks that
 * the stream stopped at an element boundary with every sequence closed. Nothing of a chunk is kept
 * once write() returns, so callers may reuse their Buffers; slices handed to the handler are valid
 * only during its call.
 * @throws DicomParseError codes GW_ERR_DICOM_TRUNCATED, _LENGTH, _ODD_LENGTH, _VR, _NESTING,
 *   _UNCLOSED, _PREAMBLE, _META, _DEFLATE.
 */
export class DatasetReader {
  private readonly h: DatasetHandler;
  private readonly bulkThreshold: number;
  private readonly strictOdd: boolean;
  private readonly maxDepth: number;
  private format: 'part10' | 'dataset' | 'auto';
  private enc: Encoding;
  private inMeta = false;
  private metaElements = new Map<number, Buffer>();
  private hasPreamble = false;
  private mode: Mode;
  private pos = 0;
  private readonly carry = Buffer.alloc(PREAMBLE);
  private fill = 0;
  private hdrStart = 0;
  private cur: Element | null = null;
  private remaining = 0;
  private parts: Buffer | null = null;
  private partsFill = 0;
  private readonly stack: Container[] = [];
  private inflater: zlib.InflateRaw | null = null;
  private inflateDone: Promise<void> | null = null;
  private asyncError: unknown = null;
  private datasetTs: string | undefined;

  constructor(handler: DatasetHandler, opts: ReaderOptions = {}) {
    this.h = handler;
    this.bulkThreshold = opts.bulkThreshold ?? 64 * 1024;
    this.strictOdd = opts.strictOddLength ?? false;
    this.maxDepth = opts.maxDepth ?? 32;
    this.format = opts.format ?? 'auto';
    this.datasetTs = opts.transferSyntax;
    if (this.format === 'dataset') {
      this.enc = encodingOf(opts.transferSyntax ?? '1.2.840.10008.1.2.1');
      this.mode = Mode.Header;
      if (this.enc.deflated) this.startInflate();
    } else {
      this.enc = ENC_EXPLICIT_LE;
      this.mode = Mode.Preamble;
    }
  }

  /** Bytes consumed so far (in the inflated stream once a Deflated dataset started). */
  get offset(): number {
    return this.pos;
  }

  /** The dataset's transfer syntax once known (from the meta group, or as given). */
  get transferSyntax(): string | undefined {
    return this.datasetTs;
  }

  write(chunk: Buffer): void {
    if (this.asyncError) throw this.asyncError;
    if (this.mode === Mode.Deflate) {
      this.inflate(chunk);
      return;
    }
    this.parse(chunk);
  }

  /** Signals the end of input. Resolves when everything was parsed (Deflated input finishes asynchronously). */
  async end(): Promise<void> {
    if (this.mode === Mode.Preamble) this.flushPreamble();
    if (this.mode === Mode.Deflate) {
      this.inflater!.end();
      await this.inflateDone;
      if (this.asyncError) throw this.asyncError;
      return;
    }
    this.finish();
  }

  // ---- core loop ------------------------------------------------------------------------------

  private parse(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.mode) {
        case Mode.Preamble: i = this.readPreamble(chunk, i); break;
        case Mode.Header: i = this.readHeader(chunk, i); break;
        case Mode.Inline: i = this.readInline(chunk, i); break;
        case Mode.Bulk:
        case Mode.Fragment: i = this.readBulk(chunk, i); break;
        case Mode.Deflate:
          this.inflate(i === 0 ? chunk : chunk.subarray(i));
          return;
        case Mode.Done:
          throw err(ERROR_CODES.DICOM_LENGTH, 'data after the end of the dataset', this.pos);
      }
    }
  }

  /** Input shorter than a preamble: decide the format on what there is and parse it. */
  private flushPreamble(): void {
    this.decideStart(this.fill);
    const pending = Buffer.from(this.carry.subarray(0, this.fill));
    this.fill = 0;
    this.pos -= pending.length;
    this.parse(pending);
  }

  private finish(): void {
    if (this.mode === Mode.Header && this.fill > 0 && this.inMeta) {
      // A dataset shorter than one header after the meta group.
      throw err(ERROR_CODES.DICOM_TRUNCATED, 'stream ends inside an element header', this.pos);
    }
    if (this.inMeta) this.endMeta();
    if (this.mode === Mode.Deflate) throw err(ERROR_CODES.DICOM_DEFLATE, 'deflated dataset is empty', this.pos);
    if (this.mode === Mode.Header && this.fill > 0) {
      throw err(ERROR_CODES.DICOM_TRUNCATED, 'stream ends inside an element header', this.pos);
    }
    if (this.mode === Mode.Inline || this.mode === Mode.Bulk || this.mode === Mode.Fragment) {
      throw err(ERROR_CODES.DICOM_TRUNCATED, `stream ends inside the value of ${hex(this.cur!.tag)}, ${this.remaining} bytes missing`, this.pos);
    }
    this.closeDefinedContainers();
    if (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1];
      throw err(ERROR_CODES.DICOM_UNCLOSED, `stream ends inside ${top.kind === 'item' ? 'an item of ' : 'sequence '}${hex(top.el.tag)} opened at byte ${top.el.offset}`, this.pos);
    }
    this.mode = Mode.Done;
  }

  // ---- preamble and meta group ------------------------------------------------------------------

  private readPreamble(chunk: Buffer, i: number): number {
    const take = Math.min(PREAMBLE - this.fill, chunk.length - i);
    chunk.copy(this.carry, this.fill, i, i + take);
    this.fill += take;
    this.pos += take;
    if (this.fill < PREAMBLE) return i + take;
    this.decideStart(PREAMBLE);
    if (this.hasPreamble) {
      this.fill = 0;
      return i + take;
    }
    // No preamble: re-parse the carried bytes as the stream's beginning.
    const pending = Buffer.from(this.carry.subarray(0, this.fill));
    this.fill = 0;
    this.pos -= pending.length;
    this.parse(pending);
    return i + take;
  }

  /** Chooses between Part-10 with preamble, meta without preamble, and a bare dataset. */
  private decideStart(have: number): void {
    const c = this.carry;
    if (have >= PREAMBLE && c.toString('latin1', 128, 132) === 'DICM') {
      this.hasPreamble = true;
      this.inMeta = true;
      this.enc = ENC_EXPLICIT_LE;
      this.mode = Mode.Header;
      return;
    }
    if (this.format === 'part10') {
      throw err(ERROR_CODES.DICOM_PREAMBLE, 'no "DICM" prefix after the 128-byte preamble (PS3.10 §7.1)', Math.min(have, 128));
    }
    this.mode = Mode.Header;
    if (have >= 6 && c.readUInt16LE(0) === META_GROUP && vrFromBytes(c[4], c[5])) {
      this.inMeta = true; // meta group without preamble: tolerated (seen in the wild)
      this.enc = ENC_EXPLICIT_LE;
      return;
    }
    if (this.datasetTs) {
      this.enc = encodingOf(this.datasetTs);
      if (this.enc.deflated) this.startInflate();
      return;
    }
    this.enc = sniffEncoding(c, have);
    this.datasetTs = this.enc === ENC_IMPLICIT_LE ? '1.2.840.10008.1.2' : this.enc.littleEndian ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2.2';
  }

  private endMeta(): void {
    this.inMeta = false;
    const tsValue = this.metaElements.get(0x00020010);
    if (!tsValue) throw err(ERROR_CODES.DICOM_META, 'file meta group has no Transfer Syntax UID (0002,0010)', this.pos);
    const ts = uidValue(tsValue);
    this.datasetTs = ts;
    this.enc = encodingOf(ts);
    this.h.metaEnd?.({
      transferSyntax: ts,
      elements: this.metaElements,
      datasetOffset: this.pos - this.fill,
      hasPreamble: this.hasPreamble,
    });
    if (this.enc.deflated) {
      const pending = Buffer.from(this.carry.subarray(0, this.fill));
      this.pos -= this.fill;
      this.fill = 0;
      this.startInflate();
      if (pending.length) this.inflater!.write(pending);
    }
  }

  /** zlib works on the thread pool and holds its input until then: it gets a copy, since the caller may
   *  reuse `chunk` once write() returns (a socket read buffer, src/net/dul/read-buffer.ts). */
  private inflate(chunk: Buffer): void {
    this.inflater!.write(Buffer.from(chunk));
  }

  private startInflate(): void {
    const inf = zlib.createInflateRaw();
    this.inflater = inf;
    this.mode = Mode.Deflate;
    // Inflated bytes are parsed as Explicit VR LE (PS3.5 §A.5); offsets count inflated bytes.
    this.enc = ENC_EXPLICIT_LE;
    this.pos = 0;
    this.innerMode = Mode.Header;
    this.inflateDone = new Promise<void>((resolve) => {
      inf.on('data', (out: Buffer) => {
        if (this.asyncError) return;
        try {
          this.parseInflated(out);
        } catch (e) {
          this.asyncError = e;
        }
      });
      inf.on('error', (e) => {
        if (!this.asyncError) this.asyncError = err(ERROR_CODES.DICOM_DEFLATE, `deflate stream: ${e.message}`, this.pos);
        resolve();
      });
      inf.on('end', () => {
        if (!this.asyncError) {
          try {
            this.mode = this.innerMode;
            this.finish();
          } catch (e) {
            this.asyncError = e;
          }
        }
        resolve();
      });
    });
  }

  /** Parser mode while inside a deflated stream (`mode` itself stays Deflate for write()). */
  private innerMode: Mode = Mode.Header;

  private parseInflated(out: Buffer): void {
    this.mode = this.innerMode;
    try {
      this.parse(out);
    } finally {
      this.innerMode = this.mode;
      this.mode = Mode.Deflate;
    }
  }

  // ---- headers ----------------------------------------------------------------------------------

  // Header bytes are read at hb[ho...]: the chunk itself when the header lies in it, else the carry.
  private hb: Buffer = this.carry;
  private ho = 0;
  /** Read position in the chunk being parsed. */
  private ci = 0;

  /** Makes `need` header bytes available at hb[ho]; false when the chunk ran out (bytes kept in the
   *  carry). Only bytes belonging to the header are taken from the chunk. */
  private ensure(chunk: Buffer, need: number): boolean {
    if (this.fill === 0 && chunk.length - this.ci >= need) {
      this.hb = chunk;
      this.ho = this.ci;
      return true;
    }
    const take = Math.min(need - this.fill, chunk.length - this.ci);
    if (take > 0) {
      chunk.copy(this.carry, this.fill, this.ci, this.ci + take);
      this.fill += take;
      this.ci += take;
      this.pos += take;
    }
    if (this.fill < need) return false;
    this.hb = this.carry;
    this.ho = 0;
    return true;
  }

  private readHeader(chunk: Buffer, i: number): number {
    if (this.fill === 0) this.hdrStart = this.pos;
    this.ci = i;
    if (this.inMeta) {
      if (!this.ensure(chunk, 2)) return this.ci;
      if (this.hb.readUInt16LE(this.ho) !== META_GROUP && this.stack.length === 0) {
        this.endMeta();
        if (this.mode === Mode.Deflate) {
          return this.ci; // parse() hands the rest of the chunk to the inflater
        }
        if (this.fill === 0) this.hdrStart = this.pos;
      }
    }
    if (!this.ensure(chunk, 8)) return this.ci;
    const b = this.hb;
    const o = this.ho;
    const le = this.curEnc().littleEndian;
    const group = le ? b.readUInt16LE(o) : b.readUInt16BE(o);
    const element = le ? b.readUInt16LE(o + 2) : b.readUInt16BE(o + 2);
    const tag = ((group << 16) | element) >>> 0;
    if (group === 0xfffe) {
      const length = le ? b.readUInt32LE(o + 4) : b.readUInt32BE(o + 4);
      this.consumeHeader(8);
      this.onItemTag(tag, length);
      return this.ci;
    }
    const enc = this.curEnc();
    let vr: Vr;
    let length: number;
    let size: number;
    if (enc.explicitVr) {
      const v = vrFromBytes(b[o + 4], b[o + 5]);
      if (!v) {
        throw err(ERROR_CODES.DICOM_VR, `unknown VR bytes 0x${b[o + 4].toString(16)} 0x${b[o + 5].toString(16)} in ${hex(tag)}`, this.hdrStart + 4);
      }
      vr = v;
      if (VR_TABLE[v].long) {
        if (!this.ensure(chunk, 12)) return this.ci;
        length = le ? this.hb.readUInt32LE(this.ho + 8) : this.hb.readUInt32BE(this.ho + 8);
        size = 12;
      } else {
        length = le ? b.readUInt16LE(o + 6) : b.readUInt16BE(o + 6);
        size = 8;
      }
    } else {
      vr = implicitVr(tag) as Vr;
      length = le ? b.readUInt32LE(o + 4) : b.readUInt32BE(o + 4);
      size = 8;
    }
    this.consumeHeader(size);
    this.onElementHeader(tag, vr, length, enc);
    return this.ci;
  }

  /** Accounts for a header of `size` bytes read either from the chunk or the carry. */
  private consumeHeader(size: number): void {
    if (this.hb === this.carry) {
      // ensure() filled the carry to exactly `size` bytes, already counted in pos.
      this.fill = 0;
    } else {
      this.ci += size;
      this.pos += size;
    }
  }

  private curEnc(): Encoding {
    const top = this.stack[this.stack.length - 1];
    return top ? top.enc : this.enc;
  }

  private depth(): number {
    let d = 0;
    for (const c of this.stack) if (c.kind === 'item') d++;
    return d;
  }

  private onElementHeader(tag: number, vr: Vr, length: number, enc: Encoding): void {
    const top = this.stack[this.stack.length - 1];
    if (top && top.kind !== 'item') {
      throw err(ERROR_CODES.DICOM_NESTING, `element ${hex(tag)} where an item was expected in ${hex(top.el.tag)}`, this.hdrStart);
    }
    const el: Element = { tag, vr, length, offset: this.hdrStart, depth: this.depth(), encoding: enc };
    if (length === UNDEFINED_LENGTH) {
      this.openUndefined(el);
      return;
    }
    this.checkFits(el, length);
    if (vr === 'SQ') {
      this.openContainer({ kind: 'seq', el, end: this.pos + length, enc });
      this.h.sequenceStart?.(el);
      this.closeDefinedContainers();
      return;
    }
    // PS3.5 §7.1.1: lengths are even. A length that is not a whole number of the VR's words (US, FL,
    // OW...) cannot be decoded and is always an error; an odd length of a byte-oriented VR (text, OB,
    // UN) is a common real-world quirk that DCMTK accepts with a warning: accepted unless strict.
    const word = VR_TABLE[vr].word;
    if ((word > 1 && length % word !== 0) || (this.strictOdd && length % 2 === 1)) {
      throw err(ERROR_CODES.DICOM_ODD_LENGTH, `value length ${length} of ${hex(tag)} ${vr} is not a multiple of ${word > 1 ? word : 2} (PS3.5 §7.1.1)`, this.hdrStart);
    }
    this.cur = el;
    this.remaining = length;
    if (VR_TABLE[vr].bulk || length > this.bulkThreshold) {
      this.h.bulkStart?.(el);
      if (length === 0) this.endBulk();
      else this.mode = Mode.Bulk;
      return;
    }
    if (length === 0) {
      this.emitInline(el, Buffer.alloc(0));
      return;
    }
    this.parts = null;
    this.partsFill = 0;
    this.mode = Mode.Inline;
  }

  /** Undefined length: a sequence (SQ, or UN per PS3.5 §6.2.2) or encapsulated Pixel Data (§A.4). */
  private openUndefined(el: Element): void {
    if (el.vr === 'SQ' || (el.vr === 'UN' && el.tag !== PIXEL_DATA)) {
      // UN of undefined length holds items encoded in Implicit VR Little Endian (PS3.5 §6.2.2 Note).
      const enc = el.vr === 'UN' ? ENC_IMPLICIT_LE : el.encoding;
      this.openContainer({ kind: 'seq', el, end: INF, enc });
      this.h.sequenceStart?.(el);
      return;
    }
    if (el.tag === PIXEL_DATA && (el.vr === 'OB' || el.vr === 'OW' || el.vr === 'UN')) {
      this.openContainer({ kind: 'encap', el, end: INF, enc: el.encoding, fragments: 0 });
      this.h.encapsulatedStart?.(el);
      return;
    }
    throw err(ERROR_CODES.DICOM_LENGTH, `undefined length on ${hex(el.tag)} ${el.vr}, allowed only for SQ, UN and Pixel Data`, el.offset);
  }

  private openContainer(c: Container): void {
    if (this.stack.length >= this.maxDepth * 2) {
      throw err(ERROR_CODES.DICOM_NESTING, `sequences nested deeper than ${this.maxDepth}`, c.el.offset);
    }
    this.stack.push(c);
  }

  private checkFits(el: Element, length: number): void {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const end = this.stack[k].end;
      if (end !== INF) {
        if (this.pos + length > end) {
          throw err(ERROR_CODES.DICOM_LENGTH, `length ${length} of ${hex(el.tag)} runs ${this.pos + length - end} bytes past its enclosing ${this.stack[k].kind === 'item' ? 'item' : 'sequence'}`, el.offset);
        }
        return;
      }
    }
  }

  private onItemTag(tag: number, length: number): void {
    const top = this.stack[this.stack.length - 1];
    const off = this.hdrStart;
    if (!top) throw err(ERROR_CODES.DICOM_NESTING, `${hex(tag)} item tag at the top level`, off);
    if (tag === ITEM) {
      if (top.kind === 'item') throw err(ERROR_CODES.DICOM_NESTING, 'item inside an item without a sequence', off);
      const el: Element = { tag, vr: top.kind === 'encap' ? top.el.vr : 'SQ', length, offset: off, depth: this.depth() + 1, encoding: top.enc };
      if (top.kind === 'encap') {
        if (length === UNDEFINED_LENGTH) throw err(ERROR_CODES.DICOM_LENGTH, 'fragment with undefined length (PS3.5 §A.4)', off);
        this.checkFits(el, length);
        const index = top.fragments++;
        this.cur = el;
        this.remaining = length;
        this.h.fragmentStart?.(el, index);
        if (length === 0) this.endFragment();
        else this.mode = Mode.Fragment;
        return;
      }
      if (length !== UNDEFINED_LENGTH) this.checkFits(el, length);
      this.openContainer({ kind: 'item', el, end: length === UNDEFINED_LENGTH ? INF : this.pos + length, enc: top.enc });
      this.h.itemStart?.(el);
      this.closeDefinedContainers();
      return;
    }
    if (tag === ITEM_DELIMITATION) {
      if (top.kind !== 'item' || top.end !== INF) throw err(ERROR_CODES.DICOM_NESTING, 'item delimitation outside an undefined-length item', off);
      this.stack.pop();
      this.h.itemEnd?.(top.el);
      this.closeDefinedContainers();
      return;
    }
    if (tag === SEQUENCE_DELIMITATION) {
      if (top.kind === 'item' || top.end !== INF) throw err(ERROR_CODES.DICOM_NESTING, 'sequence delimitation outside an undefined-length sequence', off);
      this.stack.pop();
      if (top.kind === 'encap') this.h.encapsulatedEnd?.(top.el);
      else this.h.sequenceEnd?.(top.el);
      this.closeDefinedContainers();
      return;
    }
    throw err(ERROR_CODES.DICOM_NESTING, `unexpected ${hex(tag)} in group FFFE`, off);
  }

  /** Pops defined-length items and sequences that end exactly here. */
  private closeDefinedContainers(): void {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top || top.end !== this.pos) return;
      this.stack.pop();
      if (top.kind === 'item') this.h.itemEnd?.(top.el);
      else if (top.kind === 'seq') this.h.sequenceEnd?.(top.el);
    }
  }

  // ---- values -----------------------------------------------------------------------------------

  private readInline(chunk: Buffer, i: number): number {
    const avail = chunk.length - i;
    const el = this.cur!;
    if (this.parts === null && avail >= this.remaining) {
      const value = chunk.subarray(i, i + this.remaining);
      this.pos += this.remaining;
      const next = i + this.remaining;
      this.emitInline(el, value);
      return next;
    }
    if (this.parts === null) this.parts = Buffer.allocUnsafe(el.length);
    const take = Math.min(avail, this.remaining);
    chunk.copy(this.parts, this.partsFill, i, i + take);
    this.partsFill += take;
    this.remaining -= take;
    this.pos += take;
    if (this.remaining === 0) {
      const value = this.parts;
      this.parts = null;
      this.emitInline(el, value);
    }
    return i + take;
  }

  private emitInline(el: Element, value: Buffer): void {
    this.mode = Mode.Header;
    this.cur = null;
    this.remaining = 0;
    if (this.inMeta && el.depth === 0) this.metaElements.set(el.tag, Buffer.from(value));
    this.h.element?.(el, value);
    this.closeDefinedContainers();
  }

  private readBulk(chunk: Buffer, i: number): number {
    const take = Math.min(chunk.length - i, this.remaining);
    const slice = take === chunk.length ? chunk : chunk.subarray(i, i + take);
    this.remaining -= take;
    this.pos += take;
    const el = this.cur!;
    if (this.mode === Mode.Fragment) {
      const top = this.stack[this.stack.length - 1] as Extract<Container, { kind: 'encap' }>;
      this.h.fragmentData?.(el, slice, top.fragments - 1);
      if (this.remaining === 0) this.endFragment();
    } else {
      this.h.bulkData?.(el, slice);
      if (this.remaining === 0) this.endBulk();
    }
    return i + take;
  }

  private endBulk(): void {
    const el = this.cur!;
    this.cur = null;
    this.mode = Mode.Header;
    this.h.bulkEnd?.(el);
    this.closeDefinedContainers();
  }

  private endFragment(): void {
    const el = this.cur!;
    const top = this.stack[this.stack.length - 1] as Extract<Container, { kind: 'encap' }>;
    this.cur = null;
    this.mode = Mode.Header;
    this.h.fragmentEnd?.(el, top.fragments - 1);
  }
}

/**
 * Guesses the encoding of a bare dataset from its first element (as DCMTK does for files without
 * meta): a valid VR at bytes 4–5 means explicit VR; the byte order whose group number is smaller wins.
 */
export function sniffEncoding(b: Buffer, have: number): Encoding {
  if (have < 8) return ENC_IMPLICIT_LE;
  const gLE = b.readUInt16LE(0);
  const gBE = b.readUInt16BE(0);
  const le = gLE <= gBE;
  const explicit = vrFromBytes(b[4], b[5]) !== undefined;
  if (!explicit) return ENC_IMPLICIT_LE;
  return le ? ENC_EXPLICIT_LE : ENC_EXPLICIT_BE;
}
