// Codecs layer: streams an encapsulated dataset (JPEG Lossless, RLE) into a native Little Endian one,
// frame by frame. Non-pixel elements go through the dicom layer's TransferSyntaxConverter; Pixel Data
// fragments are grouped into frames as they arrive (offset tables, one fragment per frame, or JPEG
// SOI markers: PS3.5 §A.4) and each frame is decoded on the libuv pool as soon as it is complete, so
// frames of a multi-frame instance decode in parallel while output stays in order. Memory: the
// compressed and decoded frames in flight, never the whole Pixel Data.
import type { Element } from '../dicom/reader.js';
import { TransferSyntaxConverter } from '../dicom/convert.js';
import { elementHeader } from '../dicom/writer.js';
import { encodingOf } from '../dicom/encoding.js';
import { collectImagePixel, type ImagePixel } from '../dicom/attributes.js';
import { GatewayError, ERROR_CODES } from '../errors.js';
import { decodeFrame, type FrameInfo } from './frame-codec.js';
import { isCodecTransferSyntax } from './transfer-syntaxes.js';
import { pumpDataset, type QueuingHandler } from './pump.js';

const PIXEL_DATA = 0x7fe00010;
const EXTENDED_OFFSET_TABLE = 0x7fe00001;
const EXTENDED_OFFSET_TABLE_LENGTHS = 0x7fe00002;
const PLANAR_CONFIGURATION = 0x00280006;
const LE_TARGETS = new Set(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2']);
const RLE = '1.2.840.10008.1.2.5';

/** Can `from` be decoded to `to` by this transcoder. */
export function canDecodeTo(from: string, to: string): boolean {
  return isCodecTransferSyntax(from) && LE_TARGETS.has(to);
}

function codecError(message: string): GatewayError {
  return new GatewayError(ERROR_CODES.DICOM_TRANSFER_SYNTAX, message);
}

/** Reader handler that turns the dataset into a queue of output pieces (bytes or pending decodes). */
class Decapsulator implements QueuingHandler {
  readonly queue: Array<Buffer | Promise<Buffer>> = [];
  private readonly conv: TransferSyntaxConverter;
  private readonly image: ImagePixel = { numberOfFrames: 1 };
  private eot: Buffer | null = null;
  private bot: Buffer | null = null;
  private inPixel = false;
  private frameParts: Buffer[] = [];
  private frameIndex = 0;
  /** Offset of the current fragment's item header from the first item after the BOT (PS3.5 §A.4). */
  private fragPos = 0;
  private fragParts: Buffer[] = [];
  private info: FrameInfo | null = null;
  private expectedBytes = 0;

  constructor(private readonly from: string, private readonly to: string) {
    this.conv = new TransferSyntaxConverter(from, { targetTransferSyntax: to, write: (b) => this.queue.push(b) });
  }

  // Everything but Pixel Data and the offset tables passes through the converter.
  element(el: Element, value: Buffer): void {
    collectImagePixel(this.image, el, value);
    // Decoded frames are colour-by-pixel, as DCMTK writes them (PS3.3 §C.7.6.3.1.3).
    if (el.depth === 0 && el.tag === PLANAR_CONFIGURATION) value = Buffer.from([0, 0]);
    this.conv.element(el, value);
  }

  bulkStart(el: Element): void {
    if (el.depth === 0 && (el.tag === EXTENDED_OFFSET_TABLE || el.tag === EXTENDED_OFFSET_TABLE_LENGTHS)) {
      if (el.tag === EXTENDED_OFFSET_TABLE) this.eot = Buffer.alloc(0);
      return;
    }
    this.conv.bulkStart(el);
  }

  bulkData(el: Element, chunk: Buffer): void {
    if (el.depth === 0 && el.tag === EXTENDED_OFFSET_TABLE) this.eot = Buffer.concat([this.eot!, chunk]);
    else if (el.depth === 0 && el.tag === EXTENDED_OFFSET_TABLE_LENGTHS) return;
    else this.conv.bulkData(el, chunk);
  }

  bulkEnd(el: Element): void {
    if (el.depth === 0 && (el.tag === EXTENDED_OFFSET_TABLE || el.tag === EXTENDED_OFFSET_TABLE_LENGTHS)) return;
    this.conv.bulkEnd(el);
  }

  sequenceStart(el: Element): void { this.conv.sequenceStart(el); }
  sequenceEnd(): void { this.conv.sequenceEnd(); }
  itemStart(el: Element): void { this.conv.itemStart(el); }
  itemEnd(): void { this.conv.itemEnd(); }

  encapsulatedStart(el: Element): void {
    if (el.depth !== 0 || el.tag !== PIXEL_DATA) throw codecError(`encapsulated data in ${el.tag.toString(16)} at depth ${el.depth}`);
    const im = this.image;
    for (const k of ['rows', 'columns', 'samplesPerPixel', 'bitsAllocated', 'bitsStored'] as const) {
      if (im[k] === undefined) throw codecError(`cannot decode: the dataset has no ${k} before Pixel Data`);
    }
    const spp = im.samplesPerPixel!;
    this.info = {
      rows: im.rows!, columns: im.columns!, samplesPerPixel: spp, bitsAllocated: im.bitsAllocated!, bitsStored: im.bitsStored!,
      pixelRepresentation: im.pixelRepresentation === 1 ? 1 : 0, planarConfiguration: 0,
    };
    const frameBytes = im.rows! * im.columns! * spp * (im.bitsAllocated! / 8);
    this.expectedBytes = frameBytes * this.image.numberOfFrames;
    if (this.expectedBytes + 1 > 0xfffffffe) throw codecError('decoded Pixel Data would exceed the 4 GiB native length limit');
    this.conv.flush();
    const padded = this.expectedBytes + (this.expectedBytes & 1);
    // PS3.5 §8.1.2: native Pixel Data is OW above 8 bits allocated, else OB.
    this.queue.push(elementHeader(PIXEL_DATA, im.bitsAllocated! > 8 ? 'OW' : 'OB', padded, encodingOf(this.to)));
    this.inPixel = true;
  }

  fragmentStart(): void {
    this.fragParts = [];
  }

  fragmentData(_frag: Element, chunk: Buffer): void {
    this.fragParts.push(Buffer.from(chunk));
  }

  /** Frame boundaries are decided when a fragment's whole value is known (PS3.5 §A.4). */
  fragmentEnd(frag: Element, index: number): void {
    const value = this.fragParts.length === 1 ? this.fragParts[0] : Buffer.concat(this.fragParts);
    this.fragParts = [];
    if (index === 0) {
      this.bot = value;
      return;
    }
    if (this.frameParts.length > 0 && this.startsFrame(value)) this.finishFrame();
    this.frameParts.push(value);
    this.fragPos += 8 + frag.length;
    // RLE: exactly one fragment per frame (PS3.5 §A.4.2), so a frame is complete at its fragment's end.
    if (this.image.numberOfFrames > 1 && this.from === RLE) this.finishFrame();
  }

  /** Whether a fragment (at offset fragPos after the BOT item) begins a new frame. */
  private startsFrame(value: Buffer): boolean {
    if (this.image.numberOfFrames === 1) return false;
    const next = this.frameIndex + 1;
    if (this.eot && this.eot.length >= next * 8 + 8) return Number(this.eot.readBigUInt64LE(next * 8)) === this.fragPos;
    if (this.bot && this.bot.length >= next * 4 + 4) return this.bot.readUInt32LE(next * 4) === this.fragPos;
    // No offset table: a JPEG frame begins with SOI followed by a marker.
    return value.length >= 3 && value[0] === 0xff && value[1] === 0xd8 && value[2] === 0xff;
  }

  private finishFrame(): void {
    if (this.frameParts.length === 0) return;
    if (this.frameIndex >= this.image.numberOfFrames) throw codecError(`more frames in Pixel Data than NumberOfFrames ${this.image.numberOfFrames}`);
    const parts = this.frameParts;
    this.frameParts = [];
    this.frameIndex++;
    this.queue.push(decodeFrame(this.from, parts, this.info!));
  }

  encapsulatedEnd(): void {
    this.finishFrame();
    this.inPixel = false;
    if (this.frameIndex !== this.image.numberOfFrames) throw codecError(`Pixel Data has ${this.frameIndex} frames, NumberOfFrames says ${this.image.numberOfFrames}`);
    if (this.expectedBytes & 1) this.queue.push(Buffer.alloc(1));
  }

  /** Non-pixel output may be flushed only outside Pixel Data (the header is already queued). */
  flush(): void {
    if (!this.inPixel) this.conv.flush();
  }
}

/**
 * Streams `source` (dataset bytes in the encapsulated syntax `from`) out as native `to`.
 * @throws GW_ERR_DICOM_TRANSFER_SYNTAX for a pair it cannot do or inconsistent pixel attributes;
 *   GW_ERR_CODEC_* from the decoders; the reader's GW_ERR_DICOM_* for malformed data.
 */
export async function* decodeDataset(source: AsyncIterable<Buffer>, from: string, to: string): AsyncGenerator<Buffer> {
  if (!canDecodeTo(from, to)) throw codecError(`cannot decode ${from} to ${to}`);
  yield* pumpDataset(new Decapsulator(from, to), source, from);
}
