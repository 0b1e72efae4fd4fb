// DIMSE status classes (PS3.7 Annex C, PS3.4 §B.2.3 for C-STORE). Services layer: a classifier and
// formatting over the dicom layer's STATUS table; no I/O.

// The table itself lives with the command set (dicom layer), used by the network layer too.
export { STATUS } from '../dicom/command-set.js';

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
