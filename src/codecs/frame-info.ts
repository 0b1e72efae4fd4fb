// Codecs layer: checks of the frame description handed to the codecs, once, at the edge, with messages
// that name the parameter, what was expected and what arrived (sharp lib/is.mjs style). No native calls.
import { GatewayError, ERROR_CODES, describe } from '../errors.js';
import { CODEC_KIND, type CodecKind, type NativeFrameLayout } from '../native/codec-binding.js';

/** One frame's pixel description, from the dataset's Image Pixel module (PS3.3 §C.7.6.3): the layout
 *  the addon reads. */
export type FrameInfo = NativeFrameLayout;

function fail(fn: string, name: string, expected: string, found: unknown): never {
  throw new GatewayError(ERROR_CODES.ARGUMENT, `${fn} ${name}: expected ${expected}, found ${describe(found)}`);
}

function intIn(fn: string, name: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    fail(fn, name, `an integer between ${lo} and ${hi}`, v);
  }
}

/** Throws GW_ERR_ARGUMENT unless `info` describes a frame the codec of `kind` can handle. */
export function checkFrameInfo(fn: string, kind: CodecKind, info: FrameInfo): void {
  if (typeof info !== 'object' || info === null) fail(fn, 'info', 'an object', info);
  intIn(fn, 'info.rows', info.rows, 1, 65535);
  intIn(fn, 'info.columns', info.columns, 1, 65535);
  intIn(fn, 'info.samplesPerPixel', info.samplesPerPixel, 1, 4);
  if (kind === CODEC_KIND.JPEG_LOSSLESS) {
    if (info.bitsAllocated !== 8 && info.bitsAllocated !== 16) fail(fn, 'info.bitsAllocated', '8 or 16', info.bitsAllocated);
  } else {
    if (![8, 16, 32, 64].includes(info.bitsAllocated)) fail(fn, 'info.bitsAllocated', '8, 16, 32 or 64', info.bitsAllocated);
    const segments = info.samplesPerPixel * (info.bitsAllocated / 8);
    // PS3.5 §G.2: at most 15 segments per frame.
    if (segments > 15) fail(fn, 'info', 'samplesPerPixel x bitsAllocated / 8 <= 15 (RLE segments)', segments);
  }
  intIn(fn, 'info.bitsStored', info.bitsStored, 1, info.bitsAllocated);
  if (info.pixelRepresentation !== 0 && info.pixelRepresentation !== 1) {
    fail(fn, 'info.pixelRepresentation', '0 or 1', info.pixelRepresentation);
  }
  if (info.planarConfiguration !== 0 && info.planarConfiguration !== 1) {
    fail(fn, 'info.planarConfiguration', '0 or 1', info.planarConfiguration);
  }
}

/** Bytes of one native frame. */
export function frameBytes(info: FrameInfo): number {
  return info.rows * info.columns * info.samplesPerPixel * (info.bitsAllocated / 8);
}

/** The plain object the addon reads (no extra properties, no getters). */
export function toLayout(info: FrameInfo): FrameInfo {
  return {
    rows: info.rows,
    columns: info.columns,
    samplesPerPixel: info.samplesPerPixel,
    bitsAllocated: info.bitsAllocated,
    bitsStored: info.bitsStored,
    pixelRepresentation: info.pixelRepresentation,
    planarConfiguration: info.planarConfiguration,
  };
}
