// Forward layer: the dataset byte stream for a destination in the transfer syntax it accepted.
// Same syntax: the stored bytes as they are (byte-identical). Native ↔ native and Deflated → native:
// DatasetReader + TransferSyntaxConverter, chunk by chunk (bounded memory). JPEG Lossless and RLE →
// native LE: the codecs' streaming decoder, frame by frame. Never lossy.
import { DatasetReader } from '../dicom/reader.js';
import { TransferSyntaxConverter, isNativeSyntax } from '../dicom/convert.js';
import { DEFLATED_EXPLICIT_VR_LE, EXPLICIT_VR_LE, IMPLICIT_VR_LE } from '../dicom/encoding.js';
import { GatewayError, ERROR_CODES } from '../errors.js';
import { canDecodeTo, decodeDataset } from '../codecs/dataset-transcoder.js';
import { canEncodeTo, encodeDataset } from '../codecs/dataset-encoder.js';

/** Syntaxes we can turn into a native one without pixel codecs. */
function decodableWithoutCodecs(ts: string): boolean {
  return isNativeSyntax(ts) || ts === DEFLATED_EXPLICIT_VR_LE;
}

/** Whether `from` can be sent as `to` without compressing: compression (encodeDataset) is chosen only
 *  by a destination's `compress` setting, never as a fallback (destination.ts compressedContext). */
export function canTranscode(from: string, to: string): boolean {
  if (from === to) return true;
  return (isNativeSyntax(to) && decodableWithoutCodecs(from)) || canDecodeTo(from, to);
}

/** Transfer syntax of a destination's `compress` setting (issue #4 "compress for the WAN"). */
export const COMPRESS_SYNTAX = { 'jpeg-lossless': '1.2.840.10008.1.2.4.70', rle: '1.2.840.10008.1.2.5' } as const;

/** Fallback order when the destination does not take the received syntax (issue #4). */
export const FALLBACK_SYNTAXES: readonly string[] = [EXPLICIT_VR_LE, IMPLICIT_VR_LE];

/**
 * `source` (dataset bytes in `from`) re-encoded in `to`: `source` itself when the two are the same
 * (no generator in between, so the bytes reach the socket with no extra step per chunk).
 * @throws GW_ERR_DICOM_TRANSFER_SYNTAX (when iterated) when the pair cannot be transcoded; reader
 *   errors for bad data.
 */
export function transcodeStream(source: AsyncIterable<Buffer>, from: string, to: string): AsyncIterable<Buffer> {
  return from === to ? source : convert(source, from, to);
}

async function* convert(source: AsyncIterable<Buffer>, from: string, to: string): AsyncGenerator<Buffer> {
  if (canDecodeTo(from, to)) {
    yield* decodeDataset(source, from, to);
    return;
  }
  if (canEncodeTo(from, to)) {
    yield* encodeDataset(source, from, to);
    return;
  }
  if (!canTranscode(from, to)) {
    throw new GatewayError(ERROR_CODES.DICOM_TRANSFER_SYNTAX, `cannot transcode ${from} to ${to}`);
  }
  let out: Buffer[] = [];
  const conv = new TransferSyntaxConverter(from, { targetTransferSyntax: to, write: (b) => out.push(b) });
  const reader = new DatasetReader(conv, { format: 'dataset', transferSyntax: from });
  for await (const chunk of source) {
    reader.write(chunk);
    if (out.length) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  await reader.end();
  conv.flush();
  yield* out;
}
