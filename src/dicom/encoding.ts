// Dataset encodings (VR explicitness, byte order, deflate) by transfer syntax, PS3.5 §10 and Annex A.
// Dicom layer: pure data. The full transfer syntax registry lives in uids.ts.

export interface Encoding {
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
  readonly deflated: boolean;
}

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LE = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BE = '1.2.840.10008.1.2.2';

export const ENC_IMPLICIT_LE: Encoding = Object.freeze({ explicitVr: false, littleEndian: true, deflated: false });
export const ENC_EXPLICIT_LE: Encoding = Object.freeze({ explicitVr: true, littleEndian: true, deflated: false });
export const ENC_EXPLICIT_BE: Encoding = Object.freeze({ explicitVr: true, littleEndian: false, deflated: false });
export const ENC_DEFLATED: Encoding = Object.freeze({ explicitVr: true, littleEndian: true, deflated: true });

/**
 * Encoding of the dataset for a transfer syntax UID. Every syntax other than the three native ones
 * and Deflated (PS3.5 §A.1–A.5) is Explicit VR Little Endian with encapsulated pixel data (§A.4);
 * Deflated Image Frame Compression (1.2.840.10008.1.2.8.1) also encodes the dataset as Explicit VR LE.
 */
export function encodingOf(transferSyntaxUid: string): Encoding {
  switch (transferSyntaxUid) {
    case IMPLICIT_VR_LE: return ENC_IMPLICIT_LE;
    case EXPLICIT_VR_BE: return ENC_EXPLICIT_BE;
    case DEFLATED_EXPLICIT_VR_LE: return ENC_DEFLATED;
    // JPIP Referenced Deflate (1.2.840.10008.1.2.4.95) deflates the dataset too (PS3.5 §A.6).
    case '1.2.840.10008.1.2.4.95': return ENC_DEFLATED;
    default: return ENC_EXPLICIT_LE;
  }
}
