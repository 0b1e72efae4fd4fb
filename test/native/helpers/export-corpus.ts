// Test-only helper for test/native/asan.sh: writes every JPEG Lossless / RLE frame of the shared test
// data as a raw file plus list.tsv (kind, layout, file) for the standalone C++ ASan driver.
// Usage: node dist/test/native/helpers/export-corpus.js OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { framesFromFragments, isCodecTransferSyntax } from '../../../src/codecs/index.js';
import { readManifest, readPixelFile } from './dicom-file.js';
import { TESTDATA } from './paths.js';

const out = process.argv[2];
if (!out) throw new Error('usage: export-corpus OUT_DIR');
fs.mkdirSync(out, { recursive: true });
const lines: string[] = [];
for (const row of readManifest(TESTDATA)) {
  if (!isCodecTransferSyntax(row.transferSyntax)) continue;
  const f = readPixelFile(path.join(TESTDATA, row.path));
  const frames = framesFromFragments(f.fragments ?? [], f.numberOfFrames, f.basicOffsetTable);
  const kind = row.transferSyntax === '1.2.840.10008.1.2.5' ? 'rle' : 'jpeg';
  frames.forEach((fr, i) => {
    const name = `${path.basename(row.path, '.dcm')}-${i}.bin`;
    fs.writeFileSync(path.join(out, name), Buffer.concat(fr));
    lines.push([kind, f.rows, f.columns, f.samplesPerPixel, f.bitsAllocated, f.bitsStored, f.pixelRepresentation, 0, name].join('\t'));
  });
}
for (const name of ['O1.JPG', 'O2.JPG']) {
  fs.copyFileSync(path.join(TESTDATA, 'pylibjpeg-data', 'jpg', '10918', 'p14', name), path.join(out, name));
  lines.push(['jpegstream', 0, 0, 0, 0, 0, 0, 0, name].join('\t'));
}
fs.writeFileSync(path.join(out, 'list.tsv'), lines.join('\n') + '\n');
console.log(`exported ${lines.length} frames to ${out}`);
