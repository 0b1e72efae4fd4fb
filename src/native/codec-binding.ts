// Native binding layer: the codec functions of the addon, typed. No argument policy here beyond the
// shape; src/codecs/ checks every value first (STYLE.md "check at the edge") and maps the errors.
import { addon } from './binding.js';

/** Layout of one native frame as the addon reads it (PS3.3 §C.7.6.3 attribute names). */
export interface NativeFrameLayout {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  planarConfiguration: 0 | 1;
}

export const CODEC_KIND = { JPEG_LOSSLESS: 0, RLE: 1 } as const;
export type CodecKind = (typeof CODEC_KIND)[keyof typeof CODEC_KIND];

export interface JpegComponentPlane {
  id: number;
  h: number;
  v: number;
  width: number;
  height: number;
  /** Samples as little-endian uint16. */
  data: Buffer;
}

export interface JpegComponents {
  precision: number;
  width: number;
  height: number;
  components: JpegComponentPlane[];
}

interface CodecAddon {
  /** Decodes into `target` (one frame long) and resolves with it. */
  codecDecode(kind: CodecKind, fragments: Buffer[], layout: NativeFrameLayout, workaround: boolean, target: Buffer): Promise<Buffer>;
  codecEncode(kind: CodecKind, pixels: Buffer, layout: NativeFrameLayout, predictor: number): Promise<Buffer>;
  jpegComponents(stream: Buffer): JpegComponents;
}

export const codecAddon = addon as unknown as CodecAddon;
