import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeDataset, probeImage, encodable } from '../../src/codecs/dataset-encoder.js';
import { DatasetReader } from '../../src/dicom/reader.js';
import { readPart10Info } from '../../src/dicom/part10.js';
import { fileMeta } from '../../src/dicom/writer.js';
import { TESTDATA } from '../helpers/testdata.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'pg-enc-'));
const JPEG_SV1 = '1.2.840.10008.1.2.4.70';
const RLE = '1.2.840.10008.1.2.5';

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** Pixel Data bytes of a Part-10 file (native syntaxes). */
async function pixels(file: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const r = new DatasetReader({ bulkData: (e, c) => { if (e.tag === 0x7fe00010 && e.depth === 0) parts.push(Buffer.from(c)); } });
  r.write(readFileSync(file));
  await r.end();
  return Buffer.concat(parts);
}

const CASES = [
  'pydicom/CT_small.dcm', // 16-bit signed
  'pydicom/MR_small_implicit.dcm', // implicit VR input
  'pylibjpeg-data/ds/LittleEndianExplicit/emri_small.dcm', // 10 frames, 12 of 16 bits
  'pylibjpeg-data/ds/LittleEndianExplicit/OBXXXX1A_2frame.dcm', // 8-bit palette, 2 frames
];

for (const rel of CASES) {
  for (const [ts, tool] of [[JPEG_SV1, 'dcmdjpeg'], [RLE, 'dcmdrle']] as const) {
    test(`${rel} → ${ts === RLE ? 'RLE' : 'JPEG Lossless SV1'}: DCMTK ${tool} gives back the original pixels`, async () => {
      const file = path.join(TESTDATA, rel);
      const info = await readPart10Info(file);
      const dataset = readFileSync(file).subarray(info.datasetOffset);
      const probe = await probeImage(chunks(dataset, 4096), info.transferSyntax);
      assert.ok(encodable(probe, ts), 'qualifies');
      const parts: Buffer[] = [];
      for await (const c of encodeDataset(chunks(dataset, 7919), info.transferSyntax, ts)) parts.push(Buffer.from(c));
      const encoded = Buffer.concat(parts);
      assert.ok(encoded.length < dataset.length, `compressed ${encoded.length} < ${dataset.length}`);
      const out = path.join(tmp, `${path.basename(rel)}.${tool}.dcm`);
      writeFileSync(out, Buffer.concat([fileMeta({ sopClassUid: info.sopClassUid || '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: info.sopInstanceUid || '2.25.1', transferSyntax: ts }), encoded]));
      const decoded = out + '.native.dcm';
      execFileSync(tool, [out, decoded]);
      const want = await pixels(file);
      const got = await pixels(decoded);
      assert.ok(got.subarray(0, want.length).equals(want), 'pixels identical after DCMTK decode');
    });
  }
}

test('colour and non-image instances do not qualify (they are sent uncompressed)', async () => {
  for (const rel of ['pylibjpeg-data/ds/LittleEndianExplicit/SC_rgb.dcm', 'pydicom/rtplan.dcm']) {
    const file = path.join(TESTDATA, rel);
    const info = await readPart10Info(file);
    const probe = await probeImage(chunks(readFileSync(file).subarray(info.datasetOffset), 65536), info.transferSyntax);
    assert.equal(encodable(probe, JPEG_SV1), false, rel);
  }
});
