// dicom layer: transfer syntaxes, Storage SOP Classes and other well-known UIDs (PS3.6 Annex A), with
// lookups over the generated tables. Pure data: no I/O, no logging. The implementation class UID and
// version name are not here (main owns them).
import { TRANSFER_SYNTAXES, STORAGE_SOP_CLASSES } from './uids.generated.js';

export { TRANSFER_SYNTAXES, STORAGE_SOP_CLASSES };

export type TransferSyntax = (typeof TRANSFER_SYNTAXES)[number];
export type TransferSyntaxUid = TransferSyntax['uid'];
export type TransferSyntaxCodec = TransferSyntax['codec'];
export type StorageSopClass = (typeof STORAGE_SOP_CLASSES)[number];

/** Verification SOP Class, C-ECHO (PS3.4 Annex A). */
export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';
/** DICOM Application Context Name (PS3.7 Annex A.2.1). */
export const APPLICATION_CONTEXT_NAME = '1.2.840.10008.3.1.1.1';
/** Storage Commitment Push Model (PS3.4 Annex J); listed so that nobody mistakes it for a storage class. */
export const STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS = '1.2.840.10008.1.20.1';

/** The transfer syntaxes the gateway names in code (PS3.6 Table A-1 keywords). */
export const TS = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  JPEGBaseline8Bit: '1.2.840.10008.1.2.4.50',
  JPEGExtended12Bit: '1.2.840.10008.1.2.4.51',
  JPEGLossless: '1.2.840.10008.1.2.4.57',
  JPEGLosslessSV1: '1.2.840.10008.1.2.4.70',
  JPEGLSLossless: '1.2.840.10008.1.2.4.80',
  JPEG2000Lossless: '1.2.840.10008.1.2.4.90',
  JPEG2000: '1.2.840.10008.1.2.4.91',
  RLELossless: '1.2.840.10008.1.2.5',
} as const satisfies Record<string, TransferSyntaxUid>;

let tsByUid: Map<string, TransferSyntax> | undefined;
let sopByUid: Map<string, StorageSopClass> | undefined;

/**
 * UIDs on the wire and in files are padded to even length with one NUL (PS3.5 §9.1; some writers use a
 * space). Lookups accept either; the common unpadded case allocates nothing.
 */
function unpadded(uid: string): string {
  const last = uid.charCodeAt(uid.length - 1);
  return last === 0 || last === 0x20 ? uid.replace(/[\0 ]+$/, '') : uid;
}

/** The transfer syntax with this UID, or undefined when we do not know it. */
export function transferSyntax(uid: string): TransferSyntax | undefined {
  tsByUid ??= new Map(TRANSFER_SYNTAXES.map((t) => [t.uid, t]));
  return tsByUid.get(unpadded(uid));
}

/** The Storage SOP Class with this UID (standard, retired or draft), or undefined. */
export function storageSopClass(uid: string): StorageSopClass | undefined {
  sopByUid ??= new Map(STORAGE_SOP_CLASSES.map((s) => [s.uid, s]));
  return sopByUid.get(unpadded(uid));
}

/** True for every Storage SOP Class DCMTK knows (PS3.4 Annex B), retired and draft ones included. */
export function isStorageSopClass(uid: string): boolean {
  return storageSopClass(uid) !== undefined;
}

/** Readable name of a Storage SOP Class or the Verification SOP Class, or undefined. */
export function sopClassName(uid: string): string | undefined {
  if (unpadded(uid) === VERIFICATION_SOP_CLASS) return 'Verification SOP Class';
  return storageSopClass(uid)?.name;
}
