// DIMSE status codes used by the services, as a table (PS3.7 Annex C, PS3.4 §B.2.3 for C-STORE).
// Services layer: constants and a classifier; no I/O.

export const STATUS = {
  SUCCESS: 0x0000,
  /** PS3.4 Table B.2-1: Refused, Out of Resources (A7xx). */
  OUT_OF_RESOURCES: 0xa700,
  /** PS3.4 Table B.2-1: Error, Data Set does not match SOP Class (A9xx). */
  DATASET_MISMATCH: 0xa900,
  /** PS3.4 Table B.2-1: Error, Cannot understand (Cxxx). */
  CANNOT_UNDERSTAND: 0xc000,
  /** PS3.7 Table C.4-1 (general): Processing failure. */
  PROCESSING_FAILURE: 0x0110,
  /** PS3.7: Refused, SOP Class not supported. */
  SOP_CLASS_NOT_SUPPORTED: 0x0122,
  /** PS3.4 Table B.2-1: Warnings. */
  WARNING_COERCION: 0xb000,
  WARNING_ELEMENTS_DISCARDED: 0xb007,
  WARNING_DATASET_MISMATCH: 0xb006,
} as const;

export type StatusClass = 'success' | 'warning' | 'failure';

/** PS3.7 Annex C: 0000 success; 0001 and Bxxx warning; FF00/FF01 pending (not used here); else failure. */
export function statusClass(status: number): StatusClass {
  if (status === 0x0000) return 'success';
  if (status === 0x0001 || (status & 0xf000) === 0xb000) return 'warning';
  return 'failure';
}

export function statusHex(status: number): string {
  return '0x' + status.toString(16).padStart(4, '0').toUpperCase();
}
