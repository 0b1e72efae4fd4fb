#!/usr/bin/env node
// Build tool (not shipped): turns DCMTK's data dictionary (dicom.dic) and UID header (dcuid.h) into
// src/dicom/dictionary.generated.ts and src/dicom/uids.generated.ts. Plain Node, no dependencies;
// output is deterministic (sorted, no timestamps), so running it twice gives identical files.
//
// Usage: node scripts/gen-dictionary.mjs [DICOM_DIC] [--uids DCUID_H] [--out DIR] [--check]
//   DICOM_DIC defaults to /usr/share/libdcmtk17/dicom.dic (package libdcmtk17),
//   DCUID_H   defaults to /usr/include/dcmtk/dcmdata/dcuid.h (package libdcmtk-dev),
//   --check   compares with the committed files instead of writing (exit 1 when they differ).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PSEUDO_VRS, VR_OVERRIDES, RANGE_CORRECTIONS, TS_PROPERTIES, TS_NOT_IN_DCMTK } from './gen-dictionary-tables.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { dict: '/usr/share/libdcmtk17/dicom.dic', uids: '/usr/include/dcmtk/dcmdata/dcuid.h',
    out: path.join(root, 'src', 'dicom'), check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--uids') opts.uids = argv[++i];
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--check') opts.check = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/gen-dictionary.mjs [DICOM_DIC] [--uids DCUID_H] [--out DIR] [--check]');
      process.exit(0);
    } else if (!a.startsWith('--')) opts.dict = a;
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

/** "libdcmtk17 3.6.7-9~deb12u4" for a file installed by a Debian package, else "not from a Debian package". */
function packageOf(file) {
  try {
    const owner = execFileSync('dpkg', ['-S', path.resolve(file)], { encoding: 'utf8' }).split(':')[0].trim();
    const version = execFileSync('dpkg-query', ['-W', '-f', '${Version}', owner], { encoding: 'utf8' }).trim();
    return `${owner} ${version}`;
  } catch {
    return 'not from a Debian package';
  }
}

const hex4 = (n) => n.toString(16).toUpperCase().padStart(4, '0');
const hex8 = (n) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/**
 * One side of a DCMTK tag: "0010", "6000-60FF" (even values only), "0009-o-FFFF" (odd), "0010-u-00FF" (all).
 * Returns the value and the bit mask that selects it; throws when the range is not one aligned block.
 */
function parseTagPart(text, line) {
  const m = /^([0-9A-Fa-f]{4})(?:-(?:([ou])-)?([0-9A-Fa-f]{4}))?$/.exec(text);
  if (!m) throw new Error(`dicom.dic line ${line}: bad tag part ${text}`);
  const lo = parseInt(m[1], 16);
  if (m[3] === undefined) return { value: lo, mask: 0xffff };
  const hi = parseInt(m[3], 16);
  const span = hi - lo + 1;
  if ((span & (span - 1)) !== 0 || (lo & (span - 1)) !== 0) throw new Error(`dicom.dic line ${line}: range ${text} is not a block`);
  let mask = 0xffff & ~(span - 1);
  let value = lo;
  // DCMTK: a range without "-o-" / "-u-" stands for even numbers only (dicom.dic header comment).
  const restriction = m[2] ?? 'e';
  if (restriction === 'e') mask |= 1;
  else if (restriction === 'o') { mask |= 1; value |= 1; }
  return { value, mask };
}

function parseDictionary(text) {
  const entries = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) return;
    const f = line.split('\t');
    if (f.length !== 5) throw new Error(`dicom.dic line ${i + 1}: expected 5 tab-separated fields`);
    const [tagText, vr, name, vm, version] = f;
    // PRIVATE / ILLEGAL / GENERIC lines are DCMTK's rules for group lengths and private creators;
    // dictionary.ts applies those rules in code (PS3.5 §7.2, §7.8.1).
    if (!version.startsWith('DICOM')) return;
    const t = /^\(([^,]+),([^)]+)\)$/.exec(tagText);
    if (!t) throw new Error(`dicom.dic line ${i + 1}: bad tag ${tagText}`);
    const g = parseTagPart(t[1], i + 1);
    const e = parseTagPart(t[2], i + 1);
    const retired = version === 'DICOM/retired';
    const keyword = name.replace(/^RETIRED_/, '');
    entries.push({ tag: ((g.value << 16) | e.value) >>> 0, mask: ((g.mask << 16) | e.mask) >>> 0, vr, vm, keyword, retired });
  });
  return entries;
}

function standardVrs(entry) {
  const tagKey = hex8(entry.tag);
  if (VR_OVERRIDES[tagKey]) return VR_OVERRIDES[tagKey];
  if (PSEUDO_VRS[entry.vr]) return PSEUDO_VRS[entry.vr];
  if (!/^[A-Z]{2}$/.test(entry.vr)) throw new Error(`unknown DCMTK VR ${entry.vr} for ${entry.keyword}`);
  return [entry.vr];
}

function applyCorrections(entries) {
  const byKeyword = new Map(entries.map((e) => [e.keyword, e]));
  for (const c of RANGE_CORRECTIONS) {
    const e = byKeyword.get(c.keyword);
    if (!e) throw new Error(`correction for ${c.keyword}: no such dictionary entry`);
    e.tag = c.tag;
    e.mask = c.mask;
  }
}

function dictionaryLines(entries) {
  applyCorrections(entries);
  const seenTag = new Set();
  const seenKeyword = new Set();
  const rows = entries.map((e) => {
    const key = `${hex8(e.tag)}/${hex8(e.mask)}`;
    if (seenTag.has(key)) throw new Error(`duplicate tag ${key}`);
    if (seenKeyword.has(e.keyword)) throw new Error(`duplicate keyword ${e.keyword}`);
    seenTag.add(key);
    seenKeyword.add(e.keyword);
    const tag = e.mask === 0xffffffff ? hex8(e.tag) : key;
    return { sort: [e.tag, e.mask], line: [tag, standardVrs(e).join('/'), e.vm, e.keyword, e.retired ? 'R' : ''].join('\t') };
  });
  rows.sort((a, b) => a.sort[0] - b.sort[0] || a.sort[1] - b.sort[1]);
  return rows.map((r) => r.line);
}

/** `#define UID_Name "1.2..."` lines of dcuid.h, in file order. */
function parseUidHeader(text) {
  const out = [];
  for (const m of text.matchAll(/^#define\s+UID_(\w+)\s+"([0-9.]+)"/gm)) out.push({ symbol: m[1], uid: m[2] });
  return out;
}

/** "RETIRED_XRayAngiographicBiPlaneImageStorage" → "X-Ray Angiographic Bi Plane Image Storage (Retired)". */
function nameFromSymbol(symbol) {
  let s = symbol;
  let suffix = '';
  if (s.startsWith('RETIRED_')) { s = s.slice(8); suffix = ' (Retired)'; }
  if (s.startsWith('DRAFT_')) { s = s.slice(6); suffix = ' (Draft)'; }
  s = s.replace(/^(DICOS|DICONDE)_/, '$1 ')
    .replace(/XAXRF/g, 'XA/XRF ')
    .replace(/XRay/g, 'X-Ray ')
    .replace(/CArm/g, 'C-Arm ')
    .replace(/(3D|CAD)SR/g, '$1 SR ')
    .replace(/VOILUT/g, 'VOI LUT')
    .replace(/([23]D)AIT/g, '$1 AIT')
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([0-9])([A-Z][a-z])/g, '$1 $2')
    .replace(/\s+/g, ' ')
    .trim();
  return s + suffix;
}

// PS3.4 Annex B: Storage SOP Classes. dcuid.h names them *Storage; these are other services.
const NOT_STORAGE = new Set(['MediaStorageDirectoryStorage', 'StorageServiceClass']);
// "...ImageStorageForPresentation" too, hence no $ anchor.
const isStorageSymbol = (s) => /Storage/.test(s) && !/StorageCommitment/.test(s) && !NOT_STORAGE.has(s);

function storageRows(defs) {
  const rows = defs.filter((d) => isStorageSymbol(d.symbol)).map((d) => ({
    uid: d.uid,
    keyword: d.symbol,
    name: nameFromSymbol(d.symbol),
    retired: d.symbol.startsWith('RETIRED_') || d.symbol.startsWith('DRAFT_'),
    draft: d.symbol.startsWith('DRAFT_'),
  }));
  return rows.sort((a, b) => compareUids(a.uid, b.uid));
}

function transferSyntaxRows(defs) {
  // LDAP_dicomTransferSyntax is an LDAP attribute (PS3.15 Annex H), not a transfer syntax.
  const fromHeader = defs.filter((d) => /TransferSyntax$/.test(d.symbol) && !d.symbol.startsWith('LDAP_'));
  const rows = [];
  for (const d of fromHeader) {
    const p = TS_PROPERTIES[d.uid];
    if (!p) throw new Error(`dcuid.h transfer syntax ${d.uid} (${d.symbol}) has no entry in TS_PROPERTIES`);
    rows.push({ uid: d.uid, ...p, dcmtk: true });
  }
  for (const [uid, p] of Object.entries(TS_NOT_IN_DCMTK)) {
    if (fromHeader.some((d) => d.uid === uid)) throw new Error(`${uid} is now in dcuid.h: move it to TS_PROPERTIES`);
    rows.push({ uid, ...p, dcmtk: false });
  }
  for (const uid of Object.keys(TS_PROPERTIES)) {
    if (!fromHeader.some((d) => d.uid === uid)) throw new Error(`TS_PROPERTIES has ${uid}, which dcuid.h lacks`);
  }
  return rows.sort((a, b) => compareUids(a.uid, b.uid));
}

function compareUids(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1;
    if (y[i] === undefined) return 1;
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return 0;
}

function header(sources) {
  return [
    '// GENERATED FILE: do not edit; regenerate with node scripts/gen-dictionary.mjs',
    ...sources.map((s) => `// source: ${s.file} (${s.pkg})`),
    '// dicom layer data only: no imports, no logic (see the hand-written module next to this file).',
    '',
  ].join('\n');
}

function renderDictionary(lines, src) {
  const body = lines.join('\n');
  if (/[`$\\]/.test(body)) throw new Error('dictionary text contains a character that needs escaping');
  return `${header([src])}
/**
 * One DICOM data element per line, tab-separated: tag as 8 hex digits (or "TTTTTTTT/MMMMMMMM" for
 * repeating groups and ranges: a tag matches when (tag & M) === T), VRs joined by "/", VM, keyword
 * (PS3.6 keyword, without DCMTK's "RETIRED_" prefix), "R" when retired. Sorted by tag.
 */
export const DICTIONARY_TEXT = \`${body}\`;

export const DICTIONARY_SOURCE = ${JSON.stringify({ file: src.file, package: src.pkg })} as const;
`;
}

function renderUids(tsRows, sopRows, src) {
  const ts = tsRows.map((r) => `  { uid: '${r.uid}', keyword: '${r.keyword}', name: ${JSON.stringify(r.name)}, explicitVr: ${r.explicitVr}, ` +
    `littleEndian: ${r.littleEndian}, deflated: ${r.deflated}, encapsulated: ${r.encapsulated}, retired: ${r.retired}, ` +
    `codec: ${r.codec === null ? 'null' : `'${r.codec}'`}, dcmtk: ${r.dcmtk} },`).join('\n');
  const sop = sopRows.map((r) => `  { uid: '${r.uid}', keyword: '${r.keyword}', name: ${JSON.stringify(r.name)}, retired: ${r.retired}, draft: ${r.draft} },`).join('\n');
  return `${header([src])}
/**
 * Transfer syntaxes (PS3.5 §10, PS3.6 Table A-1): every one in dcuid.h, plus newer ones DCMTK 3.6.7 lacks
 * (\`dcmtk: false\`; DCMTK peers here cannot negotiate them). \`codec\`: 'native' = uncompressed, decoded by
 * the reader itself; 'deflate' / 'jpeg-lossless' / 'rle' = a lossless codec we implement; null = stored and
 * forwarded as-is, never decoded.
 */
export const TRANSFER_SYNTAXES = [
${ts}
] as const;

/**
 * Storage SOP Classes (PS3.4 Annex B, PS3.6 Table A-1): every \`UID_*Storage\` in dcuid.h except Storage
 * Commitment, Media Storage Directory and the Storage Service Class. Keywords are DCMTK's (as
 * dcmFindNameOfUID prints them); names are derived from them. Draft (pre-final-text) UIDs that DCMTK
 * still accepts are kept with \`draft: true, retired: true\`.
 */
export const STORAGE_SOP_CLASSES = [
${sop}
] as const;
`;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const f of [opts.dict, opts.uids]) if (!existsSync(f)) throw new Error(`${f} not found (install dcmtk and libdcmtk-dev)`);
  const dictSrc = { file: opts.dict, pkg: packageOf(opts.dict) };
  const uidSrc = { file: opts.uids, pkg: packageOf(opts.uids) };
  const dictionary = renderDictionary(dictionaryLines(parseDictionary(readFileSync(opts.dict, 'utf8'))), dictSrc);
  const defs = parseUidHeader(readFileSync(opts.uids, 'utf8'));
  const uids = renderUids(transferSyntaxRows(defs), storageRows(defs), uidSrc);
  const outputs = [[path.join(opts.out, 'dictionary.generated.ts'), dictionary], [path.join(opts.out, 'uids.generated.ts'), uids]];
  let stale = 0;
  for (const [file, text] of outputs) {
    if (opts.check) {
      const same = existsSync(file) && readFileSync(file, 'utf8') === text;
      if (!same) { stale++; console.error(`${path.relative(root, file)} is out of date`); }
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${path.relative(process.cwd(), file)} (${text.length} bytes)`);
    }
  }
  if (stale) process.exit(1);
}

main();
