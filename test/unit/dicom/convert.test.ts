import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { manifest, allDicomFiles, TESTDATA } from '../../helpers/testdata.js';
import { convertBuffer } from '../../helpers/convert-file.js';
import { DatasetReader, type FileMetaInfo } from '../../../src/dicom/reader.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const IMPLICIT_LE = '1.2.840.10008.1.2';

/** Dataset elements as (path, tag, VR, value digest), ignoring how lengths of sequences and items
 *  are encoded, group lengths and the meta group. Pixel Data's digest is returned separately. */
async function summarize(buf: Buffer): Promise<{ elements: string[]; pixelSha: string | null; meta: FileMetaInfo | null }> {
  const elements: string[] = [];
  let pixel: ReturnType<typeof createHash> | null = null;
  let pixelSha: string | null = null;
  let meta: FileMetaInfo | null = null;
  let bulk: ReturnType<typeof createHash> | null = null;
  const pathStack: string[] = [];
  const key = (tag: number): string => [...pathStack, tag.toString(16).padStart(8, '0')].join('/');
  const r = new DatasetReader({
    metaEnd: (m) => { meta = m; },
    element: (e, v) => {
      if (e.tag >>> 16 === 2 || (e.tag & 0xffff) === 0) return;
      elements.push(`${key(e.tag)} ${e.vr} ${createHash('sha256').update(v).digest('hex').slice(0, 12)}`);
    },
    bulkStart: (e) => {
      if (e.tag >>> 16 === 2) return;
      bulk = createHash('sha256');
      if (e.tag === 0x7fe00010 && e.depth === 0) pixel = createHash('sha256');
    },
    bulkData: (e, c) => { if (e.tag >>> 16 === 2) return; bulk!.update(c); if (e.tag === 0x7fe00010 && e.depth === 0) pixel!.update(c); },
    bulkEnd: (e) => {
      if (e.tag >>> 16 === 2) return;
      elements.push(`${key(e.tag)} ${e.vr} ${bulk!.digest('hex').slice(0, 12)}`);
      if (e.tag === 0x7fe00010 && e.depth === 0) pixelSha = pixel!.digest('hex');
    },
    sequenceStart: (e) => { elements.push(`${key(e.tag)} SQ`); pathStack.push(e.tag.toString(16)); },
    sequenceEnd: () => { pathStack.pop(); },
    itemStart: () => { pathStack.push('i'); },
    itemEnd: () => { pathStack.pop(); },
  });
  r.write(buf);
  await r.end();
  return { elements, pixelSha, meta };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'pg-conv-'));
function dcmconv(file: string): Buffer {
  const out = path.join(tmp, path.basename(file) + '.te.dcm');
  execFileSync('dcmconv', ['+te', file, out]);
  return readFileSync(out);
}

const rows = manifest().filter((r) => (r.transferSyntax === EXPLICIT_BE || r.transferSyntax === IMPLICIT_LE) && r.pixelSha256);
const extraImplicit = ['pydicom/rtplan.dcm', 'pydicom/rtstruct.dcm', 'pydicom/priv_SQ.dcm', 'pydicom/nested_priv_SQ.dcm'];

for (const row of rows) {
  test(`${row.path} → Explicit VR LE: pixel SHA-256 = MANIFEST, dataset = dcmconv +te`, async () => {
    const file = path.join(TESTDATA, row.path);
    const input = readFileSync(file);
    const ours = await convertBuffer(input, EXPLICIT_LE, { part10: true, chunk: 4099 });
    const mine = await summarize(ours);
    assert.equal(mine.pixelSha, row.pixelSha256, 'pixel data as DCMTK converts it');
    assert.equal(mine.meta?.transferSyntax, EXPLICIT_LE);
    const theirs = await summarize(dcmconv(file));
    assert.deepEqual(mine.elements, theirs.elements);
  });
}

for (const rel of extraImplicit) {
  test(`${rel} (implicit, sequences) → Explicit VR LE equals dcmconv +te element by element`, async () => {
    const file = path.join(TESTDATA, rel);
    const ours = await convertBuffer(readFileSync(file), EXPLICIT_LE, { part10: true, chunk: 13 });
    // DCMTK itself must accept what we wrote.
    const written = path.join(tmp, path.basename(rel) + '.ours.dcm');
    writeFileSync(written, ours);
    execFileSync('dcmdump', ['-q', written]);
    assert.deepEqual((await summarize(ours)).elements, (await summarize(dcmconv(file))).elements);
  });
}

test('rtdose_expb: 32-bit OW is swapped as 16-bit words, as DCMTK does (testdata README caveat)', async () => {
  const ours = await convertBuffer(readFileSync(path.join(TESTDATA, 'pydicom/rtdose_expb.dcm')), EXPLICIT_LE, { part10: true });
  const twin = await summarize(readFileSync(path.join(TESTDATA, 'pylibjpeg-data/ds/LittleEndianImplicit/rtdose.dcm')));
  const mine = await summarize(ours);
  assert.notEqual(mine.pixelSha, twin.pixelSha, 'differs from the little-endian twin, by design of the file');
});

test('LE → BE → LE round trip is byte-identical for every native explicit LE file', async () => {
  let n = 0;
  for (const rel of allDicomFiles()) {
    const row = manifest().find((r) => r.path === rel);
    if (!row || row.transferSyntax !== EXPLICIT_LE || row.note) continue; // MR_truncated is broken on purpose
    const input = readFileSync(path.join(TESTDATA, rel));
    let datasetOffset = 0;
    const probe = new DatasetReader({ metaEnd: (m) => { datasetOffset = m.datasetOffset; } });
    probe.write(input);
    await probe.end();
    const dataset = input.subarray(datasetOffset);
    const be = await convertBuffer(dataset, EXPLICIT_BE, { part10: false, sourceTs: EXPLICIT_LE, chunk: 1001 });
    assert.notDeepEqual(be, dataset);
    const back = await convertBuffer(be, EXPLICIT_LE, { part10: false, sourceTs: EXPLICIT_BE, chunk: 777 });
    assert.ok(back.equals(dataset), `${rel}: round trip differs`);
    n++;
  }
  assert.ok(n >= 10, `round-tripped ${n} files`);
});

test('Explicit LE → Implicit LE → Explicit LE keeps every element value', async () => {
  const input = readFileSync(path.join(TESTDATA, 'pydicom/CT_small.dcm'));
  const impl = await convertBuffer(input, IMPLICIT_LE, { part10: true, chunk: 500 });
  const back = await convertBuffer(impl, EXPLICIT_LE, { part10: true, chunk: 333 });
  const a = await summarize(input);
  const b = await summarize(back);
  assert.equal(b.pixelSha, a.pixelSha);
  // Implicit VR cannot carry the VR of private elements: they come back as UN (creators as LO).
  const noPrivateVr = (els: string[]): string[] => els.map((e) => (/^[0-9a-f]{3}[13579bdf]/.test(e) ? e.replace(/ [A-Z]{2} /, ' ?? ') : e));
  assert.deepEqual(noPrivateVr(b.elements), noPrivateVr(a.elements));
});

test('converting encapsulated pixel data is refused with a typed error', async () => {
  const input = readFileSync(path.join(TESTDATA, 'pydicom/MR_small_RLE.dcm'));
  await assert.rejects(convertBuffer(input, EXPLICIT_LE, { part10: true }), { code: 'GW_ERR_DICOM_TRANSFER_SYNTAX' });
});
