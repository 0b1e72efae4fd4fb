// Codecs layer: the transfer syntaxes this layer can decode and encode (PS3.5 §10, Annex A.4, Annex G).
// Data table only; no I/O, no native calls.
import { CODEC_KIND, type CodecKind } from '../native/codec-binding.js';

export const CODEC_TRANSFER_SYNTAXES = {
  /** JPEG Lossless, Non-Hierarchical (Process 14), any selection value. PS3.5 §A.4.1. */
  JPEG_LOSSLESS_P14: '1.2.840.10008.1.2.4.57',
  /** JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1]). */
  JPEG_LOSSLESS_SV1: '1.2.840.10008.1.2.4.70',
  /** RLE Lossless. PS3.5 Annex G. */
  RLE_LOSSLESS: '1.2.840.10008.1.2.5',
} as const;

export type CodecTransferSyntax = (typeof CODEC_TRANSFER_SYNTAXES)[keyof typeof CODEC_TRANSFER_SYNTAXES];

const KIND_BY_UID: Readonly<Record<CodecTransferSyntax, CodecKind>> = {
  [CODEC_TRANSFER_SYNTAXES.JPEG_LOSSLESS_P14]: CODEC_KIND.JPEG_LOSSLESS,
  [CODEC_TRANSFER_SYNTAXES.JPEG_LOSSLESS_SV1]: CODEC_KIND.JPEG_LOSSLESS,
  [CODEC_TRANSFER_SYNTAXES.RLE_LOSSLESS]: CODEC_KIND.RLE,
};

/** True when decodeFrame/encodeFrame handle this transfer syntax UID. */
export function isCodecTransferSyntax(uid: string): uid is CodecTransferSyntax {
  return Object.prototype.hasOwnProperty.call(KIND_BY_UID, uid);
}

export function codecKindOf(uid: CodecTransferSyntax): CodecKind {
  return KIND_BY_UID[uid];
}
