// Codecs layer: streams a native Little Endian dataset out as JPEG Lossless SV1 or RLE Lossless
// ("compress for the WAN", issue #4). Non-pixel elements go through the dicom layer's converter to
// Explicit VR LE; Pixel Data is cut into frames as it arrives and each frame is encoded on the libuv
// pool, one fragment per frame after an empty Basic Offset Table (PS3.5 §A.4). Memory: the frames in
// flight. Only single-sample images are compressed (planar configuration questions do not arise);
// probeImage() tells the caller beforehand whether an instance qualifies.
import { DatasetReader, type DatasetHandler, type Element } from '../dicom/reader.js';
import { TransferSyntaxConverter } from '../dicom/convert.js';
import { elementHeader, itemHeader } from '../dicom/writer.js';
import { ENC_EXPLICIT_LE } from '../dicom/encoding.js';
import { collectImagePixel, type ImagePixel } from '../dicom/attributes.js';
import { ITEM, SEQUENCE_DELIMITATION, UNDEFINED_LENGTH } from '../dicom/vr.js';
import { GatewayError, ERROR_CODES } from '../errors.js';
import { encodeFrame, type FrameInfo } from './frame-codec.js';
import { pumpDataset, type QueuingHandler } from './pump.js';

const PIXEL_DATA = 0x7fe00010;
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const NATIVE_LE = new Set([EXPLICIT_LE, '1.2.840.10008.1.2']);
const TARGETS = new Set(['1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.5']);

export interface ImageProbe extends FrameInfo {
  frames: number;
}

/** Whether `to` is a syntax this encoder writes and `from` one it reads. */
export function canEncodeTo(from: string, to: string): boolean {
  return NATIVE_LE.has(from) && TARGETS.has(to);
}

/** Whether an image of this description can be encoded losslessly in `to`. */
export function encodable(img: ImageProbe | null, to: string): boolean {
  if (!img || img.samplesPerPixel !== 1) return false;
  if (to === '1.2.840.10008.1.2.4.70') return img.bitsAllocated === 8 || img.bitsAllocated === 16;
  return [8, 16, 32].includes(img.bitsAllocated);
}

type Collected = ImagePixel & { pixel?: boolean };

/** Collects the Image Pixel attributes at depth 0 (pixel data itself is never read). */
function imageCollector(): { handler: DatasetHandler; img: Collected } {
  const img: Collected = { numberOfFrames: 1 };
  return {
    img,
    handler: {
      element: (el: Element, value: Buffer): void => collectImagePixel(img, el, value),
      bulkStart(el: Element): void {
        if (el.depth === 0 && el.tag === PIXEL_DATA) img.pixel = true;
      },
    },
  };
}

function complete(img: Collected): ImageProbe | null {
  const { rows, columns, samplesPerPixel, bitsAllocated, bitsStored } = img;
  if (!img.pixel || !rows || !columns || !samplesPerPixel || !bitsAllocated || !bitsStored) return null;
  return { rows, columns, samplesPerPixel, bitsAllocated, bitsStored, pixelRepresentation: img.pixelRepresentation === 1 ? 1 : 0, planarConfiguration: 0, frames: img.numberOfFrames };
}

/** Reads the start of a native dataset until its Pixel Data header; null when it has none. */
export async function probeImage(source: AsyncIterable<Buffer>, ts: string): Promise<ImageProbe | null> {
  const { handler, img } = imageCollector();
  const reader = new DatasetReader(handler, { format: 'dataset', transferSyntax: ts });
  for await (const chunk of source) {
    reader.write(chunk);
    if (img.pixel) return complete(img);
  }
  return null;
}

class Encapsulator implements QueuingHandler {
  readonly queue: Array<Buffer | Promise<Buffer>> = [];
  private readonly conv: TransferSyntaxConverter;
  private readonly collected = imageCollector();
  private info: ImageProbe | null = null;
  private frame: Buffer | null = null;
  private fill = 0;
  private encoded = 0;
  private inPixel = false;

  constructor(from: string, private readonly to: string) {
    this.conv = new TransferSyntaxConverter(from, { targetTransferSyntax: EXPLICIT_LE, write: (b) => this.queue.push(b) });
  }

  element(el: Element, value: Buffer): void {
    this.collected.handler.element!(el, value);
    this.conv.element(el, value);
  }

  bulkStart(el: Element): void {
    if (el.depth !== 0 || el.tag !== PIXEL_DATA) {
      this.conv.bulkStart(el);
      return;
    }
    this.collected.handler.bulkStart!(el);
    const info = complete(this.collected.img);
    if (!info || !encodable(info, this.to)) throw new GatewayError(ERROR_CODES.DICOM_TRANSFER_SYNTAX, `cannot encode this image in ${this.to}`);
    const frameBytes = info.rows * info.columns * (info.bitsAllocated / 8);
    if (el.length < frameBytes * info.frames) {
      throw new GatewayError(ERROR_CODES.DICOM_LENGTH, `Pixel Data has ${el.length} bytes, ${info.frames} frames need ${frameBytes * info.frames}`);
    }
    this.info = info;
    this.conv.flush();
    // PS3.5 §A.4: OB, undefined length, an empty Basic Offset Table, then one fragment per frame.
    this.queue.push(elementHeader(PIXEL_DATA, 'OB', UNDEFINED_LENGTH, ENC_EXPLICIT_LE), itemHeader(ITEM, 0, true));
    this.frame = Buffer.allocUnsafe(frameBytes);
    this.fill = 0;
    this.inPixel = true;
  }

  bulkData(el: Element, chunk: Buffer): void {
    if (!this.inPixel) {
      this.conv.bulkData(el, chunk);
      return;
    }
    let off = 0;
    while (off < chunk.length && this.encoded < this.info!.frames) {
      const take = Math.min(chunk.length - off, this.frame!.length - this.fill);
      chunk.copy(this.frame!, this.fill, off, off + take);
      this.fill += take;
      off += take;
      if (this.fill === this.frame!.length) this.emitFrame();
    }
    // Bytes past the last frame (the even-length pad) are not pixels.
  }

  private emitFrame(): void {
    const pixels = this.frame!;
    this.frame = Buffer.allocUnsafe(pixels.length);
    this.fill = 0;
    this.encoded++;
    this.queue.push(encodeFrame(this.to, pixels, this.info!).then((enc) => {
      const pad = enc.length & 1;
      return Buffer.concat(pad ? [itemHeader(ITEM, enc.length + 1, true), enc, Buffer.alloc(1)] : [itemHeader(ITEM, enc.length, true), enc]);
    }));
  }

  bulkEnd(el: Element): void {
    if (!this.inPixel) {
      this.conv.bulkEnd(el);
      return;
    }
    this.inPixel = false;
    this.frame = null;
    this.queue.push(itemHeader(SEQUENCE_DELIMITATION, 0, true));
  }

  sequenceStart(el: Element): void { this.conv.sequenceStart(el); }
  sequenceEnd(): void { this.conv.sequenceEnd(); }
  itemStart(el: Element): void { this.conv.itemStart(el); }
  itemEnd(): void { this.conv.itemEnd(); }

  encapsulatedStart(): void {
    throw new GatewayError(ERROR_CODES.DICOM_TRANSFER_SYNTAX, 'the dataset is already encapsulated');
  }

  flush(): void {
    if (!this.inPixel) this.conv.flush();
  }
}

/**
 * Streams `source` (native LE dataset bytes in `from`) out as `to` (JPEG Lossless SV1 or RLE).
 * @throws GW_ERR_DICOM_TRANSFER_SYNTAX for an unsupported pair or image; GW_ERR_CODEC_* from the encoders.
 */
export async function* encodeDataset(source: AsyncIterable<Buffer>, from: string, to: string): AsyncGenerator<Buffer> {
  if (!canEncodeTo(from, to)) throw new GatewayError(ERROR_CODES.DICOM_TRANSFER_SYNTAX, `cannot encode ${from} to ${to}`);
  yield* pumpDataset(new Encapsulator(from, to), source, from);
}
