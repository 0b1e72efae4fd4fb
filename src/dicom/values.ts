// Decoding of small element values (strings, integers) read by the dataset reader.
// Dicom layer: pure functions over Buffers; no I/O, no dataset state.

/** A string value without trailing padding (space or NUL, PS3.5 §6.2). Latin-1: the default
 *  repertoire plus whatever single-byte set; routing and indexing only use ASCII-safe values. */
export function stringValue(value: Buffer): string {
  let end = value.length;
  while (end > 0 && (value[end - 1] === 0x20 || value[end - 1] === 0x00)) end--;
  let start = 0;
  while (start < end && value[start] === 0x20) start++;
  return value.toString('latin1', start, end);
}

/** UI values are padded with a single NUL (PS3.5 §9.1); also tolerate spaces. */
export function uidValue(value: Buffer): string {
  return stringValue(value);
}

export function uint16Value(value: Buffer, littleEndian: boolean, index = 0): number | undefined {
  const o = index * 2;
  if (value.length < o + 2) return undefined;
  return littleEndian ? value.readUInt16LE(o) : value.readUInt16BE(o);
}

export function uint32Value(value: Buffer, littleEndian: boolean, index = 0): number | undefined {
  const o = index * 4;
  if (value.length < o + 4) return undefined;
  return littleEndian ? value.readUInt32LE(o) : value.readUInt32BE(o);
}

/** IS value (integer string), or undefined if it does not parse (badVR.dcm has "1A"). */
export function integerStringValue(value: Buffer): number | undefined {
  const s = stringValue(value).split('\\')[0].trim();
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}
