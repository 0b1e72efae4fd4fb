import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TRANSFER_SYNTAXES, STORAGE_SOP_CLASSES, TS, VERIFICATION_SOP_CLASS, transferSyntax, isStorageSopClass,
  sopClassName, storageSopClass,
} from '../../../src/dicom/uids.js';
import { dcmdumpText, dcmtk, projectRoot, testdataDir } from './dcmdump.js';

test('transfer syntax flags for the main syntaxes (PS3.5 §10, Annex A)', () => {
  const flags = (uid: string) => {
    const t = transferSyntax(uid);
    assert.ok(t, uid);
    return { explicitVr: t.explicitVr, littleEndian: t.littleEndian, deflated: t.deflated, encapsulated: t.encapsulated, retired: t.retired, codec: t.codec };
  };
  assert.deepEqual(flags('1.2.840.10008.1.2'), { explicitVr: false, littleEndian: true, deflated: false, encapsulated: false, retired: false, codec: 'native' });
  assert.deepEqual(flags('1.2.840.10008.1.2.1'), { explicitVr: true, littleEndian: true, deflated: false, encapsulated: false, retired: false, codec: 'native' });
  assert.deepEqual(flags('1.2.840.10008.1.2.1.99'), { explicitVr: true, littleEndian: true, deflated: true, encapsulated: false, retired: false, codec: 'deflate' });
  assert.deepEqual(flags('1.2.840.10008.1.2.2'), { explicitVr: true, littleEndian: false, deflated: false, encapsulated: false, retired: true, codec: 'native' });
  assert.deepEqual(flags('1.2.840.10008.1.2.1.98'), { explicitVr: true, littleEndian: true, deflated: false, encapsulated: true, retired: false, codec: null });
  assert.deepEqual(flags('1.2.840.10008.1.2.4.50'), { explicitVr: true, littleEndian: true, deflated: false, encapsulated: true, retired: false, codec: null });
  assert.deepEqual(flags('1.2.840.10008.1.2.4.57'), { explicitVr: true, littleEndian: true, deflated: false, encapsulated: true, retired: false, codec: 'jpeg-lossless' });
  assert.deepEqual(flags('1.2.840.10008.1.2.4.70'), { explicitVr: true, littleEndian: true, deflated: false, encapsulated: true, retired: false, codec: 'jpeg-lossless' });
  assert.deepEqual(flags('1.2.840.10008.1.2.5'), { explicitVr: true, littleEndian: true, deflated: false, encapsulated: true, retired: false, codec: 'rle' });
  for (const uid of ['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.203', '1.2.840.10008.1.2.4.102', '1.2.840.10008.1.2.4.107']) {
    assert.equal(transferSyntax(uid)?.codec, null, uid);
    assert.equal(transferSyntax(uid)?.encapsulated, true, uid);
  }
  assert.equal(transferSyntax('1.2.840.10008.1.2.4.95')?.deflated, true, 'JPIP Referenced Deflate');
});

test('transfer syntax table is consistent', () => {
  assert.equal(new Set(TRANSFER_SYNTAXES.map((t) => t.uid)).size, TRANSFER_SYNTAXES.length);
  assert.equal(new Set(TRANSFER_SYNTAXES.map((t) => t.keyword)).size, TRANSFER_SYNTAXES.length);
  assert.ok(TRANSFER_SYNTAXES.length >= 60);
  for (const t of TRANSFER_SYNTAXES) {
    // Only the uncompressed native encodings are decoded without a codec; encapsulated ones never are.
    if (t.codec === 'native') assert.ok(!t.encapsulated && !t.deflated, t.keyword);
    if (t.codec === 'deflate') assert.ok(t.deflated && !t.encapsulated, t.keyword);
    if (t.codec === 'jpeg-lossless' || t.codec === 'rle') assert.ok(t.encapsulated, t.keyword);
    if (t.encapsulated || t.deflated) assert.ok(t.explicitVr && t.littleEndian, `${t.keyword}: PS3.5 §A.4/A.5 are Explicit VR LE`);
  }
  for (const [keyword, uid] of Object.entries(TS)) assert.equal(transferSyntax(uid)?.keyword, keyword);
});

test('lookups accept the even-length padding of UIDs (PS3.5 §9.1)', () => {
  assert.equal(transferSyntax('1.2.840.10008.1.2\0')?.keyword, 'ImplicitVRLittleEndian');
  assert.equal(transferSyntax('1.2.840.10008.1.2.4.70 ')?.keyword, 'JPEGLosslessSV1');
  assert.equal(isStorageSopClass('1.2.840.10008.5.1.4.1.1.2\0'), true);
  assert.equal(transferSyntax(''), undefined);
  assert.equal(transferSyntax('1.2.840.10008.1.2.9'), undefined);
});

test('Storage SOP Classes: standard ones are in, other services are out', () => {
  const expected: Record<string, string> = {
    '1.2.840.10008.5.1.4.1.1.1': 'ComputedRadiographyImageStorage',
    '1.2.840.10008.5.1.4.1.1.1.1': 'DigitalXRayImageStorageForPresentation',
    '1.2.840.10008.5.1.4.1.1.2': 'CTImageStorage',
    '1.2.840.10008.5.1.4.1.1.2.1': 'EnhancedCTImageStorage',
    '1.2.840.10008.5.1.4.1.1.2.2': 'LegacyConvertedEnhancedCTImageStorage',
    '1.2.840.10008.5.1.4.1.1.4': 'MRImageStorage',
    '1.2.840.10008.5.1.4.1.1.4.1': 'EnhancedMRImageStorage',
    '1.2.840.10008.5.1.4.1.1.6.1': 'UltrasoundImageStorage',
    '1.2.840.10008.5.1.4.1.1.3.1': 'UltrasoundMultiframeImageStorage',
    '1.2.840.10008.5.1.4.1.1.7': 'SecondaryCaptureImageStorage',
    '1.2.840.10008.5.1.4.1.1.20': 'NuclearMedicineImageStorage',
    '1.2.840.10008.5.1.4.1.1.128': 'PositronEmissionTomographyImageStorage',
    '1.2.840.10008.5.1.4.1.1.12.1': 'XRayAngiographicImageStorage',
    '1.2.840.10008.5.1.4.1.1.13.1.3': 'BreastTomosynthesisImageStorage',
    '1.2.840.10008.5.1.4.1.1.77.1.6': 'VLWholeSlideMicroscopyImageStorage',
    '1.2.840.10008.5.1.4.1.1.66.4': 'SegmentationStorage',
    '1.2.840.10008.5.1.4.1.1.88.11': 'BasicTextSRStorage',
    '1.2.840.10008.5.1.4.1.1.88.59': 'KeyObjectSelectionDocumentStorage',
    '1.2.840.10008.5.1.4.1.1.104.1': 'EncapsulatedPDFStorage',
    '1.2.840.10008.5.1.4.1.1.11.1': 'GrayscaleSoftcopyPresentationStateStorage',
    '1.2.840.10008.5.1.4.1.1.9.1.1': 'TwelveLeadECGWaveformStorage',
    '1.2.840.10008.5.1.4.1.1.481.1': 'RTImageStorage',
    '1.2.840.10008.5.1.4.1.1.481.2': 'RTDoseStorage',
    '1.2.840.10008.5.1.4.1.1.481.3': 'RTStructureSetStorage',
    '1.2.840.10008.5.1.4.1.1.481.5': 'RTPlanStorage',
    '1.2.840.10008.5.1.4.1.1.481.8': 'RTIonPlanStorage',
    '1.2.840.10008.5.1.4.38.1': 'HangingProtocolStorage',
    '1.2.840.10008.5.1.4.39.1': 'ColorPaletteStorage',
  };
  for (const [uid, keyword] of Object.entries(expected)) {
    assert.equal(storageSopClass(uid)?.keyword, keyword, uid);
    assert.equal(storageSopClass(uid)?.retired, false, uid);
  }
  assert.equal(storageSopClass('1.2.840.10008.5.1.4.1.1.6')?.retired, true, 'retired Ultrasound Image Storage is kept');
  assert.equal(storageSopClass('1.2.840.10008.5.1.4.1.1.88.1')?.draft, true);
  for (const uid of [VERIFICATION_SOP_CLASS, '1.2.840.10008.1.20.1', '1.2.840.10008.1.20.1.1', '1.2.840.10008.1.3.10',
    '1.2.840.10008.4.2', '1.2.840.10008.5.1.4.1.2.2.1', '1.2.840.10008.5.1.4.1.2.2.2', '1.2.840.10008.3.1.2.3.3', '1.2.840.10008.1.2']) {
    assert.equal(isStorageSopClass(uid), false, uid);
  }
  assert.equal(sopClassName('1.2.840.10008.5.1.4.1.1.2'), 'CT Image Storage');
  assert.equal(sopClassName('1.2.840.10008.5.1.4.1.1.13.1.1'), 'X-Ray 3D Angiographic Image Storage');
  assert.equal(sopClassName(VERIFICATION_SOP_CLASS), 'Verification SOP Class');
  assert.equal(sopClassName('1.2.3'), undefined);
});

test("STORAGE_SOP_CLASSES is exactly the set DCMTK's dcmIsaStorageSOPClassUID accepts", () => {
  const tsv = readFileSync(path.join(projectRoot, 'test', 'fixtures', 'dcmtk-storage', 'dcuid-verdicts.tsv'), 'utf8');
  const dcmtkStorage = new Map<string, string>();
  for (const line of tsv.trim().split('\n')) {
    const [uid, name, kind] = line.split('\t');
    if (kind !== 'no') dcmtkStorage.set(uid, name);
  }
  assert.equal(dcmtkStorage.size, 194);
  assert.equal(STORAGE_SOP_CLASSES.length, dcmtkStorage.size);
  assert.equal(new Set(STORAGE_SOP_CLASSES.map((s) => s.uid)).size, STORAGE_SOP_CLASSES.length);
  for (const s of STORAGE_SOP_CLASSES) assert.equal(dcmtkStorage.get(s.uid), s.keyword, s.uid);
});

test('DCMTK names every UID we claim it knows (dump2dcm + dcmdump)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-uids-'));
  try {
    const ours = [...TRANSFER_SYNTAXES.filter((t) => t.dcmtk), ...STORAGE_SOP_CLASSES];
    const items = ours.flatMap((u) => ['(fffe,e000) na (Item with undefined length)', `(0008,1150) UI [${u.uid}]`, '(fffe,e00d) na']);
    writeFileSync(path.join(dir, 'uids.dump'), ['(0008,1199) SQ (Sequence with undefined length)', ...items, '(fffe,e0dd) na', ''].join('\n'));
    dcmtk('dump2dcm', ['-q', path.join(dir, 'uids.dump'), path.join(dir, 'uids.dcm')]);
    const names = runNames(path.join(dir, 'uids.dcm'));
    assert.equal(names.length, ours.length);
    const unknown = ours.filter((u, i) => names[i] === undefined).map((u) => u.uid);
    assert.deepEqual(unknown, []);
    // Storage SOP Class keywords are DCMTK's names; transfer syntaxes use PS3.6 keywords, so only known-ness counts.
    STORAGE_SOP_CLASSES.forEach((s, i) => assert.equal(names[i + ours.length - STORAGE_SOP_CLASSES.length], s.keyword));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** dcmdump prints "=Name" for a UID it knows; one entry per (0008,1150), undefined when unnamed. */
function runNames(file: string): (string | undefined)[] {
  return dcmdumpText(file).text.split('\n').filter((l) => l.includes('(0008,1150)')).map((l) => /UI =(\S+)/.exec(l)?.[1]);
}

// Broken on purpose (testdata README).
const TRUNCATED = new Set(['pydicom/MR_truncated.dcm', 'pydicom/rtplan_truncated.dcm']);

test('every testdata file has a known transfer syntax and Media Storage SOP Class', () => {
  let files = 0;
  const noSopClass: string[] = [];
  for (const line of readFileSync(path.join(testdataDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1)) {
    const [rel, , ts] = line.split('\t');
    if (!ts) continue; // no file meta header
    assert.ok(transferSyntax(ts), `${rel}: transfer syntax ${ts}`);
    if (TRUNCATED.has(rel)) continue; // dcmdump stops before printing
    const dump = dcmdumpText(path.join(testdataDir, rel), ['-Un', '-s', '+P', '0002,0002', '+st', '0002,0002']).text;
    const uid = /\[([0-9.]+)\]/.exec(dump)?.[1];
    if (uid === undefined) { noSopClass.push(rel); continue; }
    assert.ok(isStorageSopClass(uid), `${rel}: SOP Class ${uid}`);
    files++;
  }
  // pydicom's nested private-sequence sample leaves Media Storage SOP Class UID (0002,0002) empty.
  assert.deepEqual(noSopClass, ['pydicom/nested_priv_SQ.dcm']);
  assert.ok(files >= 45, `only ${files} files`);
});
