// Encoding of element headers, small elements and the Part-10 file meta group (dicom layer).
// Pure byte building; no I/O. Layouts: PS3.5 §7.1.2 (explicit), §7.1.3 (implicit), §7.5 (items),
// PS3.10 §7.1 (preamble, "DICM", group 0002 in Explicit VR LE).
import { GatewayError, ERROR_CODES } from '../errors.js';
import { ENC_EXPLICIT_LE, type Encoding } from './encoding.js';
import { VR_TABLE, type Vr } from './vr.js';
import { VERSION } from '../version.js';

/** Our Implementation Class UID (PS3.7 §D.3.3.2), a UUID-derived UID under 2.25 (PS3.5 §B.2); the
 *  same in file meta (0002,0012) and in A-ASSOCIATE user information. */
export const IMPLEMENTATION_CLASS_UID = '2.25.308498953143078319138680123659166260498';
/** Implementation Version Name, 1–16 characters (PS3.7 §D.3.3.2). */
export const IMPLEMENTATION_VERSION_NAME = `PACSGATE_${VERSION}`.slice(0, 16);

/** Header of a data element (not an item); `length` may be 0xFFFFFFFF for SQ/UN/encapsulated. */
export function elementHeader(tag: number, vr: Vr, length: number, enc: Encoding): Buffer {
  const le = enc.littleEndian;
  if (!enc.explicitVr) {
    const b = Buffer.allocUnsafe(8);
    writeTag(b, 0, tag, le);
    if (le) b.writeUInt32LE(length >>> 0, 4); else b.writeUInt32BE(length >>> 0, 4);
    return b;
  }
  if (VR_TABLE[vr].long) {
    const b = Buffer.allocUnsafe(12);
    writeTag(b, 0, tag, le);
    b.write(vr, 4, 'latin1');
    b.writeUInt16LE(0, 6);
    if (le) b.writeUInt32LE(length >>> 0, 8); else b.writeUInt32BE(length >>> 0, 8);
    return b;
  }
  if (length > 0xffff) {
    throw new GatewayError(ERROR_CODES.DICOM_LENGTH, `value of ${vr} ${tag.toString(16)} is ${length} bytes, over the 16-bit length of its explicit VR header`);
  }
  const b = Buffer.allocUnsafe(8);
  writeTag(b, 0, tag, le);
  b.write(vr, 4, 'latin1');
  if (le) b.writeUInt16LE(length, 6); else b.writeUInt16BE(length, 6);
  return b;
}

/** Item (FFFE,E000), item delimitation (FFFE,E00D) or sequence delimitation (FFFE,E0DD) header. */
export function itemHeader(tag: number, length: number, littleEndian: boolean): Buffer {
  const b = Buffer.allocUnsafe(8);
  writeTag(b, 0, tag, littleEndian);
  if (littleEndian) b.writeUInt32LE(length >>> 0, 4); else b.writeUInt32BE(length >>> 0, 4);
  return b;
}

function writeTag(b: Buffer, o: number, tag: number, le: boolean): void {
  if (le) {
    b.writeUInt16LE(tag >>> 16, o);
    b.writeUInt16LE(tag & 0xffff, o + 2);
  } else {
    b.writeUInt16BE(tag >>> 16, o);
    b.writeUInt16BE(tag & 0xffff, o + 2);
  }
}

/** A string value padded to even length: UI with NUL, others with space (PS3.5 §6.2, §9.1). */
export function paddedString(vr: Vr, s: string): Buffer {
  const raw = Buffer.from(s, 'latin1');
  if (raw.length % 2 === 0) return raw;
  return Buffer.concat([raw, Buffer.from([vr === 'UI' ? 0x00 : 0x20])]);
}

export function element(tag: number, vr: Vr, value: Buffer, enc: Encoding): Buffer {
  return Buffer.concat([elementHeader(tag, vr, value.length, enc), value]);
}

export interface FileMetaFields {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntax: string;
  sourceAeTitle?: string;
  implementationClassUid?: string;
  implementationVersionName?: string;
}

/** Preamble (128 zero bytes), "DICM" and the file meta group with its group length (PS3.10 §7.1). */
export function fileMeta(f: FileMetaFields): Buffer {
  const E = ENC_EXPLICIT_LE;
  const parts = [
    element(0x00020001, 'OB', Buffer.from([0x00, 0x01]), E),
    element(0x00020002, 'UI', paddedString('UI', f.sopClassUid), E),
    element(0x00020003, 'UI', paddedString('UI', f.sopInstanceUid), E),
    element(0x00020010, 'UI', paddedString('UI', f.transferSyntax), E),
    element(0x00020012, 'UI', paddedString('UI', f.implementationClassUid ?? IMPLEMENTATION_CLASS_UID), E),
    element(0x00020013, 'SH', paddedString('SH', f.implementationVersionName ?? IMPLEMENTATION_VERSION_NAME), E),
  ];
  if (f.sourceAeTitle) parts.push(element(0x00020016, 'AE', paddedString('AE', f.sourceAeTitle), E));
  const body = Buffer.concat(parts);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, element(0x00020000, 'UL', len, E), body]);
}
