// Error types shared by every layer. Each carries a stable `code` (tests and operators match on it,
// never on message text), after undici's lib/core/errors.js.

export const ERROR_CODES = {
  CONFIG: 'GW_ERR_CONFIG',
  ARGUMENT: 'GW_ERR_ARGUMENT',
  NATIVE: 'GW_ERR_NATIVE',
  DICOM_TRUNCATED: 'GW_ERR_DICOM_TRUNCATED',
  DICOM_LENGTH: 'GW_ERR_DICOM_LENGTH',
  DICOM_ODD_LENGTH: 'GW_ERR_DICOM_ODD_LENGTH',
  DICOM_VR: 'GW_ERR_DICOM_VR',
  DICOM_NESTING: 'GW_ERR_DICOM_NESTING',
  DICOM_UNCLOSED: 'GW_ERR_DICOM_UNCLOSED',
  DICOM_PREAMBLE: 'GW_ERR_DICOM_PREAMBLE',
  DICOM_META: 'GW_ERR_DICOM_META',
  DICOM_DEFLATE: 'GW_ERR_DICOM_DEFLATE',
  DICOM_TRANSFER_SYNTAX: 'GW_ERR_DICOM_TRANSFER_SYNTAX',
  DICOM_ELEMENT_TOO_LARGE: 'GW_ERR_DICOM_ELEMENT_TOO_LARGE',
  SPOOL_FULL: 'GW_ERR_SPOOL_FULL',
  SPOOL_IO: 'GW_ERR_SPOOL_IO',
  SPOOL_NOT_FOUND: 'GW_ERR_SPOOL_NOT_FOUND',
  SPOOL_STATE: 'GW_ERR_SPOOL_STATE',
  DIMSE_COMMAND: 'GW_ERR_DIMSE_COMMAND',
  DUL_INVALID_EVENT: 'GW_ERR_DUL_INVALID_EVENT',
  ASSOC_ABORTED: 'GW_ERR_ASSOC_ABORTED',
  ASSOC_REJECTED: 'GW_ERR_ASSOC_REJECTED',
  ASSOC_STATE: 'GW_ERR_ASSOC_STATE',
  CONNECT: 'GW_ERR_CONNECT',
  TIMEOUT: 'GW_ERR_TIMEOUT',
  CODEC_TRUNCATED: 'GW_ERR_CODEC_TRUNCATED',
  CODEC_MARKER: 'GW_ERR_CODEC_MARKER',
  CODEC_HUFFMAN: 'GW_ERR_CODEC_HUFFMAN',
  CODEC_UNSUPPORTED: 'GW_ERR_CODEC_UNSUPPORTED',
  CODEC_DIMENSIONS: 'GW_ERR_CODEC_DIMENSIONS',
  CODEC_SEGMENTS: 'GW_ERR_CODEC_SEGMENTS',
  CODEC_FRAGMENTS: 'GW_ERR_CODEC_FRAGMENTS',
  CODEC_TRANSFER_SYNTAX: 'GW_ERR_CODEC_TRANSFER_SYNTAX',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES] | `GW_ERR_${string}`;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
  }
}

/** Invalid configuration: names the key, what was expected and what was found. */
export class ConfigError extends GatewayError {
  readonly key: string;
  constructor(key: string, expected: string, found: unknown) {
    super(ERROR_CODES.CONFIG, `config ${key}: expected ${expected}, found ${describe(found)}`);
    this.name = 'ConfigError';
    this.key = key;
  }
}

/** Malformed DICOM data; `offset` is the byte offset in the stream where the problem was seen. */
export class DicomParseError extends GatewayError {
  readonly offset: number;
  constructor(code: ErrorCode, message: string, offset: number) {
    super(code, `${message} (at byte ${offset})`);
    this.name = 'DicomParseError';
    this.offset = offset;
  }
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
