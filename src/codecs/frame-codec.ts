// Codecs layer: decode and encode of one frame for JPEG Lossless (process 14) and RLE Lossless.
// Each call runs on the libuv pool (AsyncWorker), so frames of one instance decode in parallel.
// Must not parse datasets or log: the caller (transcoder/forwarder) owns both.
import { GatewayError, ERROR_CODES, describe, type ErrorCode } from '../errors.js';
import { codecAddon, CODEC_KIND, type JpegComponents } from '../native/codec-binding.js';
import { checkFrameInfo, frameBytes, toLayout, type FrameInfo } from './frame-info.js';
import { CODEC_TRANSFER_SYNTAXES, codecKindOf, isCodecTransferSyntax, type CodecTransferSyntax } from './transfer-syntaxes.js';

export type { FrameInfo } from './frame-info.js';

export interface DecodeOptions {
  /**
   * Undo the signed 16-bit predictor arithmetic of a known faulty JPEG encoder (predictors 4-7;
   * DCMTK's `+w6`). Off by default: the standard decode is correct for every conforming stream.
   */
  signedPredictorWorkaround?: boolean;
  /**
   * Decode into this Buffer (exactly one frame long, e.g. a slice of the whole Pixel Data) instead of
   * a new one; the promise then resolves with it.
   */
  target?: Buffer;
}

export interface EncodeOptions {
  /** JPEG selection value (T.81 Table H.1), 1..7; default 1. Only 1 for 1.2.840.10008.1.2.4.70. */
  predictor?: 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

const CODE_BY_NATIVE: Readonly<Record<string, ErrorCode>> = {
  TRUNCATED: ERROR_CODES.CODEC_TRUNCATED,
  MARKER: ERROR_CODES.CODEC_MARKER,
  HUFFMAN: ERROR_CODES.CODEC_HUFFMAN,
  UNSUPPORTED: ERROR_CODES.CODEC_UNSUPPORTED,
  DIMENSIONS: ERROR_CODES.CODEC_DIMENSIONS,
  SEGMENTS: ERROR_CODES.CODEC_SEGMENTS,
  ARGUMENT: ERROR_CODES.ARGUMENT,
};

// Native errors get a GatewayError whose stack is the TS call site (sharp lib/is.mjs nativeError).
function nativeError(fn: string, err: unknown, callSite: Error): GatewayError {
  const native = err as { codecCode?: string; message?: string };
  const code = (native.codecCode && CODE_BY_NATIVE[native.codecCode]) || ERROR_CODES.NATIVE;
  const wrapped = new GatewayError(code, `${fn}: ${native.message ?? String(err)}`, { cause: err });
  wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${(callSite.stack ?? '').split('\n').slice(1).join('\n')}`;
  return wrapped;
}

function checkTs(fn: string, ts: unknown): asserts ts is CodecTransferSyntax {
  if (typeof ts !== 'string' || !isCodecTransferSyntax(ts)) {
    throw new GatewayError(
      ERROR_CODES.CODEC_TRANSFER_SYNTAX,
      `${fn} ts: expected one of ${Object.values(CODEC_TRANSFER_SYNTAXES).join(', ')}, found ${describe(ts)}`,
    );
  }
}

function checkBuffers(fn: string, frame: unknown): Buffer[] {
  const list = Array.isArray(frame) ? frame : [frame];
  if (list.length === 0) throw new GatewayError(ERROR_CODES.ARGUMENT, `${fn} frame: expected at least one fragment, found none`);
  list.forEach((b, i) => {
    if (!Buffer.isBuffer(b)) {
      throw new GatewayError(ERROR_CODES.ARGUMENT, `${fn} frame[${i}]: expected a Buffer, found ${describe(b)}`);
    }
  });
  return list as Buffer[];
}

/**
 * Decodes one compressed frame to native pixels: little-endian samples of BitsAllocated, planar
 * configuration as `info.planarConfiguration` says (what DCMTK writes as Explicit VR Little Endian).
 * `frame` is the frame's bytes, or its fragments in order (PS3.5 §A.4).
 * @throws GW_ERR_CODEC_TRANSFER_SYNTAX, GW_ERR_ARGUMENT (synchronously, bad arguments)
 * @throws GW_ERR_CODEC_TRUNCATED, GW_ERR_CODEC_MARKER, GW_ERR_CODEC_HUFFMAN, GW_ERR_CODEC_UNSUPPORTED,
 *   GW_ERR_CODEC_DIMENSIONS, GW_ERR_CODEC_SEGMENTS (rejected promise, corrupt or unsupported data)
 */
export function decodeFrame(ts: string, frame: Buffer | Buffer[], info: FrameInfo, opts: DecodeOptions = {}): Promise<Buffer> {
  const fn = 'decodeFrame';
  checkTs(fn, ts);
  const kind = codecKindOf(ts);
  checkFrameInfo(fn, kind, info);
  const fragments = checkBuffers(fn, frame);
  const size = frameBytes(info);
  if (opts.target !== undefined && (!Buffer.isBuffer(opts.target) || opts.target.length !== size)) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `${fn} opts.target: expected a Buffer of ${size} bytes, found ${Buffer.isBuffer(opts.target) ? `${opts.target.length} bytes` : describe(opts.target)}`);
  }
  // Not zero-filled: the decoder writes every byte or rejects.
  const target = opts.target ?? Buffer.allocUnsafeSlow(size);
  const callSite = new Error();
  return codecAddon
    .codecDecode(kind, fragments, toLayout(info), opts.signedPredictorWorkaround === true, target)
    .catch((err: unknown) => {
      throw nativeError(fn, err, callSite);
    });
}

/**
 * Encodes one native frame (layout as in decodeFrame). JPEG: one interleaved scan, optimised Huffman
 * tables, precision from the data. RLE: PS3.5 Annex G, segments padded to even lengths.
 * @throws GW_ERR_CODEC_TRANSFER_SYNTAX, GW_ERR_ARGUMENT (synchronously); GW_ERR_CODEC_DIMENSIONS (rejected)
 */
export function encodeFrame(ts: string, pixels: Buffer, info: FrameInfo, opts: EncodeOptions = {}): Promise<Buffer> {
  const fn = 'encodeFrame';
  checkTs(fn, ts);
  const kind = codecKindOf(ts);
  checkFrameInfo(fn, kind, info);
  if (!Buffer.isBuffer(pixels)) throw new GatewayError(ERROR_CODES.ARGUMENT, `${fn} pixels: expected a Buffer, found ${describe(pixels)}`);
  if (pixels.length !== frameBytes(info)) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `${fn} pixels: expected ${frameBytes(info)} bytes, found ${pixels.length}`);
  }
  const predictor = opts.predictor ?? 1;
  const maxPredictor = ts === CODEC_TRANSFER_SYNTAXES.JPEG_LOSSLESS_SV1 ? 1 : 7;
  if (kind === CODEC_KIND.JPEG_LOSSLESS && (!Number.isInteger(predictor) || predictor < 1 || predictor > maxPredictor)) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `${fn} opts.predictor: expected an integer between 1 and ${maxPredictor}, found ${describe(predictor)}`);
  }
  const callSite = new Error();
  return codecAddon.codecEncode(kind, pixels, toLayout(info), predictor).catch((err: unknown) => {
    throw nativeError(fn, err, callSite);
  });
}

/**
 * Decodes every frame of an instance in parallel (one AsyncWorker per frame on the libuv pool) into one
 * contiguous native Pixel Data buffer; returns it and the per-frame views, in order. Rejects with the
 * first frame's error.
 */
export async function decodeFrames(
  ts: string,
  frames: Array<Buffer | Buffer[]>,
  info: FrameInfo,
  opts: Omit<DecodeOptions, 'target'> = {},
): Promise<{ pixelData: Buffer; frames: Buffer[] }> {
  const fn = 'decodeFrames';
  checkTs(fn, ts);
  checkFrameInfo(fn, codecKindOf(ts), info);
  if (!Array.isArray(frames)) throw new GatewayError(ERROR_CODES.ARGUMENT, `${fn} frames: expected an array, found ${describe(frames)}`);
  const size = frameBytes(info);
  const pixelData = Buffer.allocUnsafeSlow(size * frames.length);
  const views = frames.map((_, i) => pixelData.subarray(i * size, (i + 1) * size));
  await Promise.all(frames.map((f, i) => decodeFrame(ts, f, info, { ...opts, target: views[i] })));
  return { pixelData, frames: views };
}

/**
 * Decodes a whole JPEG lossless stream into its component planes, with any sampling factors
 * (diagnostics and conformance streams such as ITU-T T.83; synchronous, so keep it for small images).
 * @throws the GW_ERR_CODEC_* codes of decodeFrame
 */
export function decodeJpegComponents(stream: Buffer): JpegComponents {
  if (!Buffer.isBuffer(stream)) throw new GatewayError(ERROR_CODES.ARGUMENT, `decodeJpegComponents stream: expected a Buffer, found ${describe(stream)}`);
  const callSite = new Error();
  try {
    return codecAddon.jpegComponents(stream);
  } catch (err) {
    throw nativeError('decodeJpegComponents', err, callSite);
  }
}
