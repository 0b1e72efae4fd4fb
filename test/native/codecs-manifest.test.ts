// Every JPEG Lossless and RLE file of the shared test data decodes to DCMTK's pixels (MANIFEST.tsv).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { decodeFrames, framesFromFragments, isCodecTransferSyntax, type FrameInfo } from '../../src/codecs/index.js';
import { readManifest, readPixelFile, type PixelFile } from './helpers/dicom-file.js';
import { TESTDATA } from './helpers/paths.js';

const rows = readManifest(TESTDATA).filter((r) => isCodecTransferSyntax(r.transferSyntax));
const byPath = new Map(readManifest(TESTDATA).map((r) => [r.path, r]));

function infoOf(f: PixelFile): FrameInfo {
  return {
    rows: f.rows, columns: f.columns, samplesPerPixel: f.samplesPerPixel, bitsAllocated: f.bitsAllocated,
    bitsStored: f.bitsStored, pixelRepresentation: f.pixelRepresentation, planarConfiguration: f.planarConfiguration,
  };
}

export async function decodeFile(file: string, opts = {}): Promise<Buffer> {
  const f = readPixelFile(file);
  const frames = framesFromFragments(f.fragments ?? [], f.numberOfFrames, f.basicOffsetTable);
  // DCMTK writes colour-by-pixel for these files (MANIFEST `planar` column and dcmdump of dcmdrle output).
  const info = { ...infoOf(f), planarConfiguration: 0 as const };
  // All frames in parallel into one buffer, as the transcoder will do.
  const { pixelData, frames: views } = await decodeFrames(f.transferSyntax, frames, info, opts);
  assert.equal(views.length, f.numberOfFrames);
  return pixelData;
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

test('the manifest lists JPEG Lossless and RLE files', () => {
  assert.ok(rows.length >= 20, `found ${rows.length}`);
});

for (const r of rows) {
  test(`decodes ${r.path} to DCMTK's pixels`, async () => {
    const pixels = await decodeFile(path.join(TESTDATA, r.path));
    assert.equal(sha(pixels), r.sha256);
  });
}

// Twins must agree (testdata README): the native twin's own bytes, or the compressed twin decoded.
const TWINS: Array<[string, string]> = [
  ['pylibjpeg-data/ds/RLELossless/SC_rgb_rle.dcm', 'pylibjpeg-data/ds/JPEGLosslessSV1/SC_rgb_jpeg_gdcm.dcm'],
  ['pylibjpeg-data/ds/RLELossless/OBXXXX1A_rle.dcm', 'pylibjpeg-data/ds/LittleEndianExplicit/OBXXXX1A.dcm'],
  ['pylibjpeg-data/ds/RLELossless/emri_small_RLE.dcm', 'pylibjpeg-data/ds/LittleEndianExplicit/emri_small.dcm'],
  ['pylibjpeg-data/ds/RLELossless/rtdose_rle.dcm', 'pylibjpeg-data/ds/LittleEndianImplicit/rtdose.dcm'],
  ['pylibjpeg-data/ds/RLELossless/MR_small_RLE.dcm', 'pydicom/MR_small.dcm'],
  ['pydicom/MR_small_RLE.dcm', 'pydicom/MR_small.dcm'],
];
for (const [ours, twin] of TWINS) {
  test(`${path.basename(ours)} decodes to the same pixels as its twin ${path.basename(twin)}`, async (t) => {
    const row = byPath.get(twin);
    assert.ok(row, `twin ${twin} is in the manifest`);
    const twinFile = readPixelFile(path.join(TESTDATA, twin));
    const expected = twinFile.pixelData ?? (await decodeFile(path.join(TESTDATA, twin)));
    const pixels = await decodeFile(path.join(TESTDATA, ours));
    assert.equal(pixels.length, expected.length);
    assert.ok(pixels.equals(expected), 'pixels differ from the twin');
    t.diagnostic(`${pixels.length} bytes equal`);
  });
}
