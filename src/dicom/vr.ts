// Value Representations, PS3.5 §6.2 Table 6.2-1, as a table. Dicom layer: pure data + lookups,
// no I/O. `long`: explicit-VR header with 2 reserved bytes + 32-bit length (PS3.5 §7.1.2,
// Table 7.1-1); `word`: unit of byte swapping between little and big endian (PS3.5 §7.3);
// `bulk`: binary values the reader streams instead of holding.

export interface VrInfo {
  readonly long: boolean;
  readonly word: 1 | 2 | 4 | 8;
  readonly bulk: boolean;
  /** Maximum value length in bytes where the standard fixes one per value (for sanity checks). */
  readonly fixed?: number;
}

export const VR_TABLE = {
  AE: { long: false, word: 1, bulk: false },
  AS: { long: false, word: 1, bulk: false, fixed: 4 },
  AT: { long: false, word: 2, bulk: false, fixed: 4 }, // pairs of 16-bit group/element: swap by 2
  CS: { long: false, word: 1, bulk: false },
  DA: { long: false, word: 1, bulk: false },
  DS: { long: false, word: 1, bulk: false },
  DT: { long: false, word: 1, bulk: false },
  FD: { long: false, word: 8, bulk: false, fixed: 8 },
  FL: { long: false, word: 4, bulk: false, fixed: 4 },
  IS: { long: false, word: 1, bulk: false },
  LO: { long: false, word: 1, bulk: false },
  LT: { long: false, word: 1, bulk: false },
  OB: { long: true, word: 1, bulk: true },
  OD: { long: true, word: 8, bulk: true },
  OF: { long: true, word: 4, bulk: true },
  OL: { long: true, word: 4, bulk: true },
  OV: { long: true, word: 8, bulk: true },
  OW: { long: true, word: 2, bulk: true },
  PN: { long: false, word: 1, bulk: false },
  SH: { long: false, word: 1, bulk: false },
  SL: { long: false, word: 4, bulk: false, fixed: 4 },
  SQ: { long: true, word: 1, bulk: false },
  SS: { long: false, word: 2, bulk: false, fixed: 2 },
  ST: { long: false, word: 1, bulk: false },
  SV: { long: true, word: 8, bulk: false, fixed: 8 },
  TM: { long: false, word: 1, bulk: false },
  UC: { long: true, word: 1, bulk: false },
  UI: { long: false, word: 1, bulk: false },
  UL: { long: false, word: 4, bulk: false, fixed: 4 },
  UN: { long: true, word: 1, bulk: true },
  UR: { long: true, word: 1, bulk: false },
  US: { long: false, word: 2, bulk: false, fixed: 2 },
  UT: { long: true, word: 1, bulk: false },
  UV: { long: true, word: 8, bulk: false, fixed: 8 },
} as const satisfies Record<string, VrInfo>;

export type Vr = keyof typeof VR_TABLE;

const VR_BY_CODE = new Map<number, Vr>();
for (const vr of Object.keys(VR_TABLE) as Vr[]) VR_BY_CODE.set((vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr);

/** The VR whose two ASCII characters are c0 c1, or undefined when they name no VR. */
export function vrFromBytes(c0: number, c1: number): Vr | undefined {
  return VR_BY_CODE.get((c0 << 8) | c1);
}

export function isVr(s: string): s is Vr {
  return Object.prototype.hasOwnProperty.call(VR_TABLE, s);
}

export function vrInfo(vr: Vr): VrInfo {
  return VR_TABLE[vr];
}

/** Undefined length marker, PS3.5 §7.1.1. */
export const UNDEFINED_LENGTH = 0xffffffff;

/** Item, item delimitation and sequence delimitation tags (PS3.5 §7.5, Table 7.5-1..3). */
export const ITEM = 0xfffee000;
export const ITEM_DELIMITATION = 0xfffee00d;
export const SEQUENCE_DELIMITATION = 0xfffee0dd;
