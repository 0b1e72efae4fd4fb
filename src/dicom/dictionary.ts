// dicom layer: the standard data dictionary (PS3.6 Table 6-1, generated from DCMTK's dicom.dic) and the
// VR rules for Implicit VR Little Endian (PS3.5 §7.1.3, Annex A.1). Pure lookups on the reader's hot path:
// no I/O, no logging, no allocation per call; tables are built once, on first use.
import { DICTIONARY_TEXT } from './dictionary.generated.js';

export interface DictEntry {
  /** `(group << 16 | element) >>> 0`; for a repeating entry, the value its matching tags share. */
  readonly tag: number;
  /** Bits of a tag that must equal `tag`: 0xFFFFFFFF for one tag; 0xFF01FFFF for (60xx,3000) (even groups
   *  only, odd ones are private); 0 for the rule-based entries (group length, private creator). */
  readonly mask: number;
  /** PS3.6 keyword (retired ones without DCMTK's "RETIRED_" prefix). */
  readonly keyword: string;
  /** PS3.6 VR list, e.g. ['US', 'SS'] for "US or SS"; empty for Item and the delimiters (PS3.5 §7.5). */
  readonly vrs: readonly string[];
  readonly vm: string;
  readonly retired: boolean;
}

interface Entry extends DictEntry {
  /** The VR implicitVr() answers for this entry, computed once. */
  readonly implicitVr: string;
}

// Map keys are the tags as signed int32 (`tag | 0`): small integers (Smis) to V8, so a lookup neither
// allocates a heap number nor hashes a double, whatever the group (0x7FE0, 0xFFFE...).
interface Tables {
  exact: Map<number, Entry>;
  /** One map per distinct mask, most specific mask first; keys are `tag & mask` (int32). */
  masked: { mask: number; entries: Map<number, Entry> }[];
  byKeyword: Map<string, Entry>;
}

let tables: Tables | undefined;

/**
 * VR for decoding an element whose entry allows several (PS3.5 §7.1.3: Implicit VR carries none):
 * - "OB or OW" → OW: PS3.5 §8.1.2 and Annex A.1 make Pixel Data and Overlay Data OW in Implicit VR
 *   Little Endian; we apply the same to the other "OB or OW" elements (waveform, curve, audio data).
 *   DCMTK reads curve data as OB instead; in little endian the bytes are the same either way.
 * - "US or SS", "US or OW", "US or SS or OW" → US: 16-bit words either way, so the bytes are the same;
 *   the caller may refine US/SS with Pixel Representation (0028,0103), as DCMTK does.
 * - Item and delimiters have no VR (PS3.5 §7.5): 'UN'; the reader recognises them by tag, never by VR.
 */
function implicitVrOf(vrs: readonly string[], keyword: string): string {
  if (vrs.length === 0) return 'UN';
  if (vrs.length === 1) return vrs[0];
  if (vrs.includes('US')) return 'US';
  if (vrs.includes('OW')) return 'OW';
  throw new Error(`dictionary: no implicit VR rule for ${keyword} (${vrs.join(' or ')})`);
}

function makeEntry(tag: number, mask: number, vrText: string, vm: string, keyword: string, retired: boolean): Entry {
  const vrs = Object.freeze(vrText === '' ? [] : vrText.split('/'));
  return Object.freeze({ tag, mask, keyword, vrs, vm, retired, implicitVr: implicitVrOf(vrs, keyword) });
}

function build(): Tables {
  const exact = new Map<number, Entry>();
  const byMask = new Map<number, Map<number, Entry>>();
  const byKeyword = new Map<string, Entry>();
  for (const line of DICTIONARY_TEXT.split('\n')) {
    const [tagText, vrText, vm, keyword, retired] = line.split('\t');
    const slash = tagText.indexOf('/');
    const tag = parseInt(slash < 0 ? tagText : tagText.slice(0, slash), 16) >>> 0;
    const mask = slash < 0 ? 0xffffffff : parseInt(tagText.slice(slash + 1), 16) >>> 0;
    const entry = makeEntry(tag, mask, vrText, vm, keyword, retired === 'R');
    if (mask === 0xffffffff) exact.set(tag | 0, entry);
    else {
      let m = byMask.get(mask | 0);
      if (!m) byMask.set(mask | 0, (m = new Map()));
      m.set(tag & mask, entry);
    }
    byKeyword.set(keyword, entry);
  }
  const masked = [...byMask].map(([mask, entries]) => ({ mask, entries })).sort((a, b) => popcount(b.mask) - popcount(a.mask));
  return { exact, masked, byKeyword };
}

function popcount(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v !== 0; v >>>= 1) c += v & 1;
  return c;
}

// PS3.5 §7.2: (gggg,0000) is the group's length, UL, in every group; PS3.6 lists it only for groups 0000
// and 0002, and PS3.5 retired it elsewhere.
const GROUP_LENGTH = makeEntry(0, 0, 'UL', '1', 'GenericGroupLength', true);
// PS3.5 §7.8.1: (gggg,0010-00FF) in an odd group reserves a block of private elements; its value is LO.
const PRIVATE_CREATOR = makeEntry(0, 0, 'LO', '1', 'PrivateCreator', false);

function find(tag: number): Entry | undefined {
  const t = tables ?? (tables = build());
  const hit = t.exact.get(tag | 0);
  if (hit !== undefined) return hit;
  for (let i = 0; i < t.masked.length; i++) {
    const m = t.masked[i];
    const e = m.entries.get(tag & m.mask);
    if (e !== undefined) return e;
  }
  const element = tag & 0xffff;
  if (element === 0) return GROUP_LENGTH;
  if (isPrivateTag(tag) && element >= 0x0010 && element <= 0x00ff) return PRIVATE_CREATOR;
  return undefined;
}

/**
 * The dictionary entry for a tag: exact entry first, then repeating groups and ranges ((60xx,3000),
 * (0020,31xx), (1000,xxx0)...), then the rules for group length and private creator elements.
 * Other private elements and unknown tags: undefined.
 */
export function lookupTag(tag: number): DictEntry | undefined {
  return find(tag);
}

/** The entry for a PS3.6 keyword ("PatientName", retired ones without "RETIRED_"), or undefined. */
export function lookupKeyword(keyword: string): DictEntry | undefined {
  return (tables ?? (tables = build())).byKeyword.get(keyword);
}

/**
 * VR used to decode an element read in Implicit VR Little Endian (PS3.5 §7.1.3, Annex A.1):
 * - group length (gggg,0000) → 'UL' (PS3.5 §7.2);
 * - private creator (odd group, element 0x0010-0x00FF) → 'LO' (PS3.5 §7.8.1);
 * - other private elements and unknown tags → 'UN' (PS3.5 §6.2.2: bytes kept as they are);
 * - an entry with one VR → that VR; (7FE0,0010) Pixel Data and other "OB or OW" → 'OW';
 *   "US or SS", "US or OW", "US or SS or OW" → 'US' (refine US/SS with Pixel Representation);
 * - Item and delimiters (FFFE,E000/E00D/E0DD) → 'UN': they have no VR and are handled by tag.
 * Not decided here: an element answered 'UN' but read with undefined length is a sequence (only SQ and
 * encapsulated Pixel Data may have undefined length, PS3.5 §7.1.3; CP-246); the reader checks the length.
 */
export function implicitVr(tag: number): string {
  const e = find(tag);
  return e === undefined ? 'UN' : e.implicitVr;
}

/** True for an odd group: private data elements (PS3.5 §7.8). */
export function isPrivateTag(tag: number): boolean {
  return ((tag >>> 16) & 1) === 1;
}

const HEX = '0123456789ABCDEF';

function hex4(n: number): string {
  return HEX[(n >>> 12) & 15] + HEX[(n >>> 8) & 15] + HEX[(n >>> 4) & 15] + HEX[n & 15];
}

/** "(7FE0,0010)": the standard's notation, upper-case hex. */
export function tagString(tag: number): string {
  return `(${hex4(tag >>> 16)},${hex4(tag & 0xffff)})`;
}

/** Number of entries from the generated dictionary (exact and repeating), for sanity checks. */
export function dictionarySize(): number {
  return (tables ?? (tables = build())).byKeyword.size;
}
