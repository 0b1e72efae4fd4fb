// Streaming transfer-syntax converter between the native syntaxes (Implicit VR LE, Explicit VR LE,
// Explicit VR BE). A DatasetHandler fed by DatasetReader: it re-encodes headers and swaps values by
// VR word size (PS3.5 §7.3) with the native addon, chunk by chunk; it never holds a whole value.
// Dicom layer: it does not decode or encode compressed pixel data (that is codecs/).
import { GatewayError, ERROR_CODES } from '../errors.js';
import { swapBytes } from '../native/binding.js';
import { lookupTag } from './dictionary.js';
import { encodingOf, ENC_IMPLICIT_LE, type Encoding } from './encoding.js';
import type { DatasetHandler, Element, FileMetaInfo } from './reader.js';
import { uint16Value, uidValue } from './values.js';
import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, UNDEFINED_LENGTH, VR_TABLE, type Vr } from './vr.js';
import { elementHeader, fileMeta, itemHeader } from './writer.js';

const PIXEL_DATA = 0x7fe00010;
const BITS_ALLOCATED = 0x00280100;
const PIXEL_REPRESENTATION = 0x00280103;
const FLUSH_AT = 64 * 1024;
/** VRs padded with a space rather than NUL (PS3.5 §6.2); UI is padded with NUL. */
const TEXT_VRS: ReadonlySet<Vr> = new Set<Vr>(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UR', 'UT']);

export interface ConvertOptions {
  /** Target transfer syntax: one of the three native syntaxes. */
  targetTransferSyntax: string;
  /** Receives the output in order. Buffers passed are not reused by the converter. */
  write(chunk: Buffer): void;
  /** Emit a Part-10 preamble + meta group (built from the input's meta) before the dataset. */
  part10?: boolean;
}

interface OutContainer {
  /** Encoding the container's contents are written in. */
  enc: Encoding;
  /** Whether this container was written with undefined length (so a delimiter must close it). */
  undefinedLength: boolean;
  vr: Vr;
}

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2']);

/**
 * Converts a native-syntax dataset to another native syntax. Element values are unchanged except for
 * byte order. When VR explicitness changes, header sizes change, so sequences and items are written
 * with undefined length and group length elements (gggg,0000), retired outside groups 0000/0002
 * (PS3.5 §7.2), are dropped; when only byte order changes, every length is kept, which makes
 * LE → BE → LE byte-identical.
 * @throws GW_ERR_DICOM_TRANSFER_SYNTAX for encapsulated or deflated targets or encapsulated input.
 */
export class TransferSyntaxConverter implements DatasetHandler {
  private readonly target: Encoding;
  private readonly out: (b: Buffer) => void;
  private readonly part10: boolean;
  private sourceExplicit: boolean | null = null;
  private readonly stack: OutContainer[] = [];
  private buf = Buffer.allocUnsafe(FLUSH_AT);
  private fill = 0;
  private bitsAllocated = 16;
  private pixelRepresentation = 0;
  /** Bytes of a word split across bulk chunks, waiting for the rest. */
  private partial: Buffer | null = null;
  private bulkVr: Vr = 'OB';
  private bulkSwap = false;
  /** The current bulk value belongs to the meta group, which is rebuilt rather than copied. */
  private bulkSkip = false;
  /** The current bulk value has an odd length and gets a NUL pad byte (see element()). */
  private bulkPad = false;

  constructor(sourceTransferSyntax: string | null, opts: ConvertOptions) {
    if (!NATIVE.has(opts.targetTransferSyntax)) {
      throw new GatewayError(ERROR_CODES.DICOM_TRANSFER_SYNTAX, `cannot convert to ${opts.targetTransferSyntax}: only native syntaxes`);
    }
    this.target = encodingOf(opts.targetTransferSyntax);
    this.targetTs = opts.targetTransferSyntax;
    this.out = opts.write;
    this.part10 = opts.part10 ?? false;
    if (sourceTransferSyntax) this.setSource(sourceTransferSyntax);
  }

  private readonly targetTs: string;

  private setSource(ts: string): void {
    const enc = encodingOf(ts);
    if (enc.deflated) {
      // The reader inflates; what we receive is Explicit VR LE.
      this.sourceExplicit = true;
      return;
    }
    this.sourceExplicit = enc.explicitVr;
  }

  /** True when header sizes stay the same, so defined lengths stay valid. */
  private get sizesPreserved(): boolean {
    return this.sourceExplicit === this.target.explicitVr;
  }

  private outEnc(): Encoding {
    const top = this.stack[this.stack.length - 1];
    return top ? top.enc : this.target;
  }

  // ---- output batching --------------------------------------------------------------------------

  private push(b: Buffer): void {
    if (b.length >= FLUSH_AT / 2) {
      this.flush();
      this.out(b);
      return;
    }
    if (this.fill + b.length > this.buf.length) this.flush();
    b.copy(this.buf, this.fill);
    this.fill += b.length;
  }

  /** Hands buffered output on. Call after the reader's end(). */
  flush(): void {
    if (this.fill === 0) return;
    this.out(this.buf.subarray(0, this.fill));
    this.buf = Buffer.allocUnsafe(FLUSH_AT);
    this.fill = 0;
  }

  // ---- VR choice --------------------------------------------------------------------------------

  /** Output VR: as read for explicit input; for implicit input the dictionary's, with the
   *  ambiguous ones resolved as DCMTK does (PS3.5 §8.1.2 for Pixel Data; US/SS by PixelRepresentation). */
  private outVr(el: Element, length: number): Vr {
    let vr = el.vr;
    if (!el.encoding.explicitVr) {
      if (el.tag === PIXEL_DATA) vr = this.bitsAllocated > 8 ? 'OW' : 'OB';
      else {
        const vrs = lookupTag(el.tag)?.vrs;
        if (vrs && vrs.includes('SS') && vrs.includes('US')) vr = this.pixelRepresentation === 1 ? 'SS' : 'US';
      }
    }
    // A value too long for a 16-bit length can only be written as UN (PS3.5 §6.2.2).
    if (this.outEnc().explicitVr && !VR_TABLE[vr].long && length > 0xffff && length !== UNDEFINED_LENGTH) vr = 'UN';
    return vr;
  }

  private needsSwap(el: Element, vr: Vr): boolean {
    return el.encoding.littleEndian !== this.outEnc().littleEndian && VR_TABLE[vr].word > 1 && vr !== 'UN';
  }

  private swapped(value: Buffer, vr: Vr): Buffer {
    const copy = Buffer.from(value);
    swapBytes(copy, VR_TABLE[vr].word as 2 | 4 | 8);
    return copy;
  }

  private header(tag: number, vr: Vr, length: number): void {
    this.push(elementHeader(tag, vr, length, this.outEnc()));
  }

  // ---- DatasetHandler ---------------------------------------------------------------------------

  metaEnd(meta: FileMetaInfo): void {
    this.setSource(meta.transferSyntax);
    if (!this.part10) return;
    const str = (tag: number): string => {
      const v = meta.elements.get(tag);
      return v ? uidValue(v) : '';
    };
    this.push(fileMeta({
      sopClassUid: str(0x00020002),
      sopInstanceUid: str(0x00020003),
      transferSyntax: this.targetTs,
      sourceAeTitle: str(0x00020016) || undefined,
    }));
  }

  element(el: Element, value: Buffer): void {
    if (this.sourceExplicit === null) this.sourceExplicit = el.encoding.explicitVr;
    const group = el.tag >>> 16;
    if (group === 0x0002 && el.depth === 0) return; // meta group: rebuilt by metaEnd when part10
    if (el.depth === 0) {
      if (el.tag === BITS_ALLOCATED) this.bitsAllocated = uint16Value(value, el.encoding.littleEndian) ?? 16;
      if (el.tag === PIXEL_REPRESENTATION) this.pixelRepresentation = uint16Value(value, el.encoding.littleEndian) ?? 0;
    }
    if ((el.tag & 0xffff) === 0 && !this.sizesPreserved) return; // group length, see class comment
    const vr = this.outVr(el, value.length);
    if (value.length % 2 === 1 && this.stack.every((c) => c.undefinedLength)) {
      // An odd length (accepted on input, see reader) is padded to even on output as PS3.5 §7.1.1
      // requires and DCMTK does — only where no enclosing defined length would become wrong.
      value = Buffer.concat([value, Buffer.from([TEXT_VRS.has(vr) ? 0x20 : 0x00])]);
    }
    this.header(el.tag, vr, value.length);
    this.push(this.needsSwap(el, vr) ? this.swapped(value, vr) : value);
  }

  bulkStart(el: Element): void {
    if (this.sourceExplicit === null) this.sourceExplicit = el.encoding.explicitVr;
    this.bulkSkip = el.tag >>> 16 === 0x0002 && el.depth === 0;
    if (this.bulkSkip) return;
    const vr = this.outVr(el, el.length);
    this.bulkPad = el.length % 2 === 1 && this.stack.every((c) => c.undefinedLength);
    this.header(el.tag, vr, el.length + (this.bulkPad ? 1 : 0));
    this.bulkVr = vr;
    this.bulkSwap = this.needsSwap(el, vr);
    this.partial = null;
  }

  bulkData(_el: Element, chunk: Buffer): void {
    if (this.bulkSkip) return;
    if (!this.bulkSwap) {
      this.push(chunk);
      return;
    }
    const word = VR_TABLE[this.bulkVr].word;
    let data = this.partial ? Buffer.concat([this.partial, chunk]) : Buffer.from(chunk);
    const whole = data.length - (data.length % word);
    this.partial = whole < data.length ? Buffer.from(data.subarray(whole)) : null;
    data = data.subarray(0, whole);
    if (data.length) {
      swapBytes(data, word as 2 | 4 | 8);
      this.push(data);
    }
  }

  bulkEnd(el: Element): void {
    if (this.bulkSkip) return;
    if (this.bulkPad) this.push(Buffer.from([0x00]));
    if (this.partial) {
      throw new GatewayError(ERROR_CODES.DICOM_ODD_LENGTH, `value of ${el.tag.toString(16)} ends inside a ${this.bulkVr} word`);
    }
  }

  sequenceStart(el: Element): void {
    if (this.sourceExplicit === null) this.sourceExplicit = el.encoding.explicitVr;
    const parentEnc = this.outEnc();
    // An explicit-VR UN of undefined length keeps its Implicit VR LE contents (PS3.5 §6.2.2);
    // an unknown sequence read in implicit VR becomes SQ, as DCMTK writes it.
    const keepUn = el.vr === 'UN' && el.encoding.explicitVr;
    const vr: Vr = keepUn ? 'UN' : 'SQ';
    const undef = el.length === UNDEFINED_LENGTH || !this.sizesPreserved;
    this.push(elementHeader(el.tag, vr, undef ? UNDEFINED_LENGTH : el.length, parentEnc));
    this.stack.push({ enc: keepUn ? ENC_IMPLICIT_LE : parentEnc, undefinedLength: undef, vr });
  }

  sequenceEnd(): void {
    const c = this.stack.pop()!;
    if (c.undefinedLength) this.push(itemHeader(SEQUENCE_DELIMITATION, 0, c.enc.littleEndian));
  }

  itemStart(item: Element): void {
    const enc = this.outEnc();
    const undef = item.length === UNDEFINED_LENGTH || !this.sizesPreserved;
    this.push(itemHeader(ITEM, undef ? UNDEFINED_LENGTH : item.length, enc.littleEndian));
    this.stack.push({ enc, undefinedLength: undef, vr: 'SQ' });
  }

  itemEnd(): void {
    const c = this.stack.pop()!;
    if (c.undefinedLength) this.push(itemHeader(ITEM_DELIMITATION, 0, c.enc.littleEndian));
  }

  encapsulatedStart(el: Element): void {
    throw new GatewayError(ERROR_CODES.DICOM_TRANSFER_SYNTAX, `encapsulated pixel data at byte ${el.offset}: decode it with the codecs first`);
  }
}

/** Convenience: is `ts` one of the syntaxes this converter handles. */
export function isNativeSyntax(ts: string): boolean {
  return NATIVE.has(ts);
}
