// Codecs layer entry: what the forwarder and the transcoder import. Re-exports only.
export { decodeFrame, decodeFrames, encodeFrame, decodeJpegComponents } from './frame-codec.js';
export type { FrameInfo, DecodeOptions, EncodeOptions } from './frame-codec.js';
export { framesFromFragments, encapsulate, offsetTables, SEQUENCE_DELIMITATION_ITEM } from './encapsulation.js';
export type { Encapsulated, FragmentTables } from './encapsulation.js';
export { CODEC_TRANSFER_SYNTAXES, isCodecTransferSyntax } from './transfer-syntaxes.js';
export type { CodecTransferSyntax } from './transfer-syntaxes.js';
