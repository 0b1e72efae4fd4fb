import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lookupTag, lookupKeyword, implicitVr, tagString, isPrivateTag, dictionarySize } from '../../../src/dicom/dictionary.js';
import { DICTIONARY_TEXT } from '../../../src/dicom/dictionary.generated.js';
import { dcmdump, dcmtk, testdataDir } from './dcmdump.js';

const tag = (g: number, e: number) => ((g << 16) | e) >>> 0;

test('dictionary has every DCMTK standard entry (count sanity)', () => {
  const lines = DICTIONARY_TEXT.split('\n');
  assert.ok(lines.length >= 4000, `only ${lines.length} entries`);
  assert.equal(dictionarySize(), lines.length, 'keywords are unique');
});

test('every keyword round-trips through lookupKeyword and lookupTag', () => {
  for (const line of DICTIONARY_TEXT.split('\n')) {
    const keyword = line.split('\t')[3];
    const e = lookupKeyword(keyword);
    assert.ok(e, keyword);
    assert.equal(e.keyword, keyword);
    const byTag = lookupTag(e.tag);
    assert.ok(byTag, `${keyword} ${tagString(e.tag)}`);
    // A repeating entry's base tag may also be an exact entry ((0028,0400) vs (0028,04x0)); exact wins.
    if (byTag !== e) assert.equal(byTag.mask, 0xffffffff, `${keyword}: ${tagString(e.tag)} resolves to ${byTag.keyword}`);
  }
  assert.equal(lookupKeyword('RETIRED_CurveData'), undefined, 'keywords carry no DCMTK prefix');
  assert.equal(lookupKeyword('NoSuchKeyword'), undefined);
});

test('well-known entries: VR, VM, retired flag', () => {
  assert.deepEqual(pick(lookupTag(tag(0x0010, 0x0010))), { keyword: 'PatientName', vrs: ['PN'], vm: '1', retired: false });
  assert.deepEqual(pick(lookupTag(tag(0x7fe0, 0x0010))), { keyword: 'PixelData', vrs: ['OB', 'OW'], vm: '1', retired: false });
  assert.deepEqual(pick(lookupTag(tag(0x0028, 0x0106))), { keyword: 'SmallestImagePixelValue', vrs: ['US', 'SS'], vm: '1', retired: false });
  assert.deepEqual(pick(lookupTag(tag(0x0028, 0x3006))), { keyword: 'LUTData', vrs: ['US', 'OW'], vm: '1-n', retired: false });
  assert.deepEqual(pick(lookupTag(tag(0x0028, 0x1200))), { keyword: 'GrayLookupTableData', vrs: ['US', 'SS', 'OW'], vm: '1-n', retired: true });
  assert.deepEqual(pick(lookupTag(tag(0x0004, 0x1200)))?.vrs, ['UL'], "DCMTK's 'up' is UL");
  assert.deepEqual(pick(lookupTag(tag(0xfffe, 0xe000))), { keyword: 'Item', vrs: [], vm: '1', retired: false });
  assert.deepEqual(pick(lookupTag(tag(0x0008, 0x0016))), { keyword: 'SOPClassUID', vrs: ['UI'], vm: '1', retired: false });
  assert.equal(lookupTag(tag(0x0008, 0x0016))?.mask, 0xffffffff);
});

test('repeating groups and element ranges (PS3.6 Table 6-1 "xx" entries)', () => {
  for (const g of [0x6000, 0x6002, 0x601e, 0x60fe]) assert.equal(lookupTag(tag(g, 0x3000))?.keyword, 'OverlayData', g.toString(16));
  assert.equal(lookupTag(tag(0x6000, 0x0010))?.keyword, 'OverlayRows');
  assert.equal(lookupTag(tag(0x5000, 0x3000))?.keyword, 'CurveData');
  assert.equal(lookupTag(tag(0x50fe, 0x3000))?.retired, true);
  assert.equal(lookupTag(tag(0x7f02, 0x0010))?.keyword, 'VariablePixelData');
  assert.equal(lookupTag(tag(0x0020, 0x3100))?.keyword, 'SourceImageIDs');
  assert.equal(lookupTag(tag(0x0020, 0x31ff))?.keyword, 'SourceImageIDs');
  assert.equal(lookupTag(tag(0x0028, 0x0410))?.keyword, 'RowsForNthOrderCoefficients');
  assert.equal(lookupTag(tag(0x0028, 0x0400))?.keyword, 'TransformLabel', 'exact entry wins over (0028,04x0)');
  assert.equal(lookupTag(tag(0x0028, 0x0838))?.keyword, 'ImageDataLocation');
  assert.equal(lookupTag(tag(0x1000, 0x0120))?.keyword, 'EscapeTriplet');
  assert.equal(lookupTag(tag(0x1000, 0x0125))?.keyword, 'ShiftTableTriplet');
  assert.equal(lookupTag(tag(0x1010, 0xabcd))?.keyword, 'ZonalMap');
  // Odd groups are private (PS3.5 §7.8), never part of a repeating group.
  assert.equal(lookupTag(tag(0x6001, 0x3000)), undefined);
  assert.equal(lookupTag(tag(0x5001, 0x0010))?.keyword, 'PrivateCreator');
  assert.equal(lookupTag(tag(0x6100, 0x3000)), undefined);
});

test('group length and private creator rules', () => {
  for (const g of [0x0008, 0x0009, 0x0010, 0x6000, 0x7fe0]) {
    assert.equal(implicitVr(tag(g, 0)), 'UL', g.toString(16));
    assert.deepEqual(lookupTag(tag(g, 0))?.vrs, ['UL']);
  }
  assert.equal(lookupTag(tag(0x0002, 0))?.keyword, 'FileMetaInformationGroupLength');
  assert.equal(lookupTag(tag(0x0000, 0))?.keyword, 'CommandGroupLength');
  for (const e of [0x0010, 0x0011, 0x00ff]) {
    assert.equal(implicitVr(tag(0x0009, e)), 'LO');
    assert.equal(implicitVr(tag(0x7fe1, e)), 'LO');
  }
  assert.equal(implicitVr(tag(0x0009, 0x000f)), 'UN');
  assert.equal(implicitVr(tag(0x0009, 0x0100)), 'UN');
  assert.equal(implicitVr(tag(0x0009, 0x1001)), 'UN');
  assert.equal(lookupTag(tag(0x0009, 0x1001)), undefined);
  assert.equal(isPrivateTag(tag(0x0009, 0x1001)), true);
  assert.equal(isPrivateTag(tag(0x0008, 0x1001)), false);
});

test('implicitVr choices (PS3.5 §7.1.3, §8.1.2, Annex A.1)', () => {
  assert.equal(implicitVr(tag(0x7fe0, 0x0010)), 'OW');
  assert.equal(implicitVr(tag(0x6000, 0x3000)), 'OW');
  assert.equal(implicitVr(tag(0x5400, 0x1010)), 'OW');
  assert.equal(implicitVr(tag(0x0028, 0x0106)), 'US');
  assert.equal(implicitVr(tag(0x0028, 0x3006)), 'US');
  assert.equal(implicitVr(tag(0x0028, 0x1200)), 'US');
  assert.equal(implicitVr(tag(0x0004, 0x1200)), 'UL');
  assert.equal(implicitVr(tag(0x300a, 0x00b0)), 'SQ');
  assert.equal(implicitVr(tag(0x7fe0, 0x0008)), 'OF');
  assert.equal(implicitVr(tag(0x7fe0, 0x0001)), 'OV');
  assert.equal(implicitVr(tag(0xfffe, 0xe000)), 'UN');
  assert.equal(implicitVr(tag(0x1234, 0x5678)), 'UN');
  assert.equal(implicitVr(0xffffffff), 'UN');
  // Every entry's answer is one of its VRs (or UN for the VR-less items).
  for (const line of DICTIONARY_TEXT.split('\n')) {
    const e = lookupKeyword(line.split('\t')[3])!;
    const ivr = implicitVr(e.tag);
    const owner = lookupTag(e.tag)!;
    assert.ok(owner.vrs.length === 0 ? ivr === 'UN' : owner.vrs.includes(ivr), `${e.keyword}: ${ivr}`);
  }
});

test('tagString', () => {
  assert.equal(tagString(tag(0x7fe0, 0x0010)), '(7FE0,0010)');
  assert.equal(tagString(0xfffee0dd), '(FFFE,E0DD)');
  assert.equal(tagString(0), '(0000,0000)');
});

function pick(e: ReturnType<typeof lookupTag>) {
  return e && { keyword: e.keyword, vrs: [...e.vrs], vm: e.vm, retired: e.retired };
}

const dumps = new Map<string, ReturnType<typeof dcmdump>>();
/** dcmdump of a testdata file, run once per file for all tests here. */
function dumpOf(file: string) {
  let d = dumps.get(file);
  if (!d) dumps.set(file, (d = dcmdump(file)));
  return d;
}

function dcmFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return dcmFiles(p);
    return name.endsWith('.dcm') ? [p] : [];
  }).sort();
}

// Files dcmdump cannot read to the end (testdata README: broken on purpose).
const UNREADABLE = new Set(['pydicom/MR_truncated.dcm', 'pydicom/rtplan_truncated.dcm', 'pydicom/no_meta.dcm']);
// DCMTK pseudo-VRs dcmdump prints for items and undecided multi-VR elements.
const DCMTK_PSEUDO: Record<string, string[]> = { xs: ['US', 'SS'], lt: ['US', 'SS', 'OW'], ox: ['OB', 'OW'] };

test('explicit-VR files: dcmdump VR is in our VR list for every public tag', () => {
  const files = dcmFiles(testdataDir);
  assert.ok(files.length >= 50, `expected the shared testdata, found ${files.length} files in ${testdataDir}`);
  let checked = 0;
  const problems: string[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    const rel = path.relative(testdataDir, file);
    const dump = dumpOf(file);
    if (!dump.ok) { unreadable.push(rel); continue; }
    for (const el of dump.elements) {
      if (!el.syntax.includes('Explicit') || isPrivateTag(el.tag) || el.vr === 'UN' || el.vr === '??') continue;
      const e = lookupTag(el.tag);
      checked++;
      if (el.vr === 'na' || el.vr === 'pi') {
        if (e?.vrs.length !== 0) problems.push(`${rel} ${tagString(el.tag)}: item expected`);
      } else if (!e) problems.push(`${rel} ${tagString(el.tag)} ${el.vr}: unknown tag`);
      else if (!e.vrs.includes(el.vr)) problems.push(`${rel} ${tagString(el.tag)} ${e.keyword}: file ${el.vr}, dictionary ${e.vrs.join('/')}`);
    }
  }
  assert.deepEqual(unreadable.sort(), [...UNREADABLE].sort());
  assert.deepEqual(problems, []);
  assert.ok(checked >= 1500, `only ${checked} elements checked`);
});

/** Compares implicitVr() with the VR DCMTK chose for one element of an Implicit VR dataset. */
function implicitProblem(t: number, dcmtkVr: string, undefinedLength = false): string | undefined {
  const ours = implicitVr(t);
  const e = lookupTag(t);
  // An unknown element of undefined length is a sequence (PS3.5 §7.5.1, CP-246): the reader decides
  // that from the length, not from the dictionary.
  if (dcmtkVr === 'SQ' && ours === 'UN' && undefinedLength) return undefined;
  if (dcmtkVr === 'na' || dcmtkVr === 'pi') return e?.vrs.length === 0 ? undefined : 'item expected';
  if (dcmtkVr === '??') return ours === 'UN' ? undefined : `DCMTK unknown, ours ${ours}`;
  if (DCMTK_PSEUDO[dcmtkVr]) {
    return e && e.vrs.length > 1 && e.vrs.every((v) => DCMTK_PSEUDO[dcmtkVr].includes(v)) && e.vrs.includes(ours)
      ? undefined : `DCMTK ${dcmtkVr}, ours ${ours} of ${e?.vrs.join('/')}`;
  }
  // Multi-VR entries: DCMTK refines with Pixel Representation (US/SS) or picks OB for curve data; ours
  // must be one of the entry's VRs, and so must DCMTK's.
  if (e && e.vrs.length > 1) return e.vrs.includes(dcmtkVr) && e.vrs.includes(ours) ? undefined : `DCMTK ${dcmtkVr}, ours ${ours}`;
  return ours === dcmtkVr ? undefined : `DCMTK ${dcmtkVr}, ours ${ours}`;
}

test('implicit-VR files: implicitVr agrees with the VR DCMTK decoded with', () => {
  let checked = 0;
  const problems: string[] = [];
  for (const file of dcmFiles(testdataDir)) {
    const dump = dumpOf(file);
    for (const el of dump.elements) {
      if (el.syntax !== 'Little Endian Implicit') continue;
      checked++;
      const p = implicitProblem(el.tag, el.vr, el.undefinedLength);
      if (p) problems.push(`${path.relative(testdataDir, file)} ${tagString(el.tag)}: ${p}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 300, `only ${checked} elements checked`);
});

test('implicit VR: tricky tags written by dump2dcm and converted by dcmconv +ti', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-dict-'));
  try {
    const lines = [
      '(0008,0016) UI [1.2.840.10008.5.1.4.1.1.7]', '(0009,0000) UL 10', '(0009,0010) LO [ACME]', '(0009,1001) LO [x]',
      '(0018,9810) US 5', '(0028,0106) US 1', '(0028,1101) US 256\\0\\16', '(0028,1200) US 1\\2', '(0028,3002) US 2\\0\\16',
      '(0028,3006) US 1\\2', '(0040,9211) US 7', '(5000,3000) OW 0001', '(5400,1010) OW 0001', '(6000,3000) OW 0001',
      '(6002,0010) US 1', '(6002,3000) OW 0001', '(7FE0,0001) OV 0', '(7FE0,0010) OW 0001',
    ];
    writeFileSync(path.join(dir, 'in.dump'), lines.join('\n') + '\n');
    dcmtk('dump2dcm', ['-q', '+te', path.join(dir, 'in.dump'), path.join(dir, 'ex.dcm')]);
    dcmtk('dcmconv', ['-q', '+ti', path.join(dir, 'ex.dcm'), path.join(dir, 'im.dcm')]);
    const els = dcmdump(path.join(dir, 'im.dcm')).elements.filter((el) => el.syntax === 'Little Endian Implicit');
    assert.equal(els.length, lines.length);
    const problems = els.map((el) => [tagString(el.tag), implicitProblem(el.tag, el.vr)]).filter(([, p]) => p);
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
