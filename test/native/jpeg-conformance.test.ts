// JPEG lossless decoder against references outside our code: ITU-T T.83 conformance streams O1/O2
// (restart intervals, 4 components with sampling factors), and DCMTK's +w6 workaround output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeFrame, decodeJpegComponents } from '../../src/codecs/index.js';
import { readPixelFile } from './helpers/dicom-file.js';
import { TESTDATA } from './helpers/paths.js';
import { dcmtk, tempDir } from './helpers/dcmtk.js';

const P14 = path.join(TESTDATA, 'pylibjpeg-data', 'jpg', '10918', 'p14');
// D16.SRC: component D (4th) of the T.83 test image as 16-bit big-endian samples, 85 x 257
// (X = 255, Y = 257, Hmax = 3, Vmax = 4, component D: H = 1, V = 4; T.81 §A.1.1).
const d16 = fs.readFileSync(path.join(P14, 'D16.SRC'));
const reference = Array.from({ length: d16.length / 2 }, (_, i) => d16.readUInt16BE(i * 2));

function samples(data: Buffer): number[] {
  return Array.from({ length: data.length / 2 }, (_, i) => data.readUInt16LE(i * 2));
}

test('T.83 O2 (16-bit, one scan per component, restart intervals 0/170/255) gives D16.SRC', () => {
  const img = decodeJpegComponents(fs.readFileSync(path.join(P14, 'O2.JPG')));
  assert.equal(img.precision, 16);
  assert.deepEqual(img.components.map((c) => [c.width, c.height]), [[85, 65], [85, 129], [255, 65], [85, 257]]);
  assert.deepEqual(samples(img.components[3].data), reference);
});

test('T.83 O1 (8-bit, interleaved MCUs with sampling factors, restart every MCU row) gives D16.SRC >> 8', () => {
  const o1 = decodeJpegComponents(fs.readFileSync(path.join(P14, 'O1.JPG')));
  assert.equal(o1.precision, 8);
  assert.deepEqual(samples(o1.components[3].data), reference.map((v) => v >> 8));
  // D16 is "constructed from the 8-bit data": every component of O2 is O1's shifted left by 8.
  const o2 = decodeJpegComponents(fs.readFileSync(path.join(P14, 'O2.JPG')));
  for (let c = 0; c < 4; c++) {
    assert.deepEqual(samples(o2.components[c].data), samples(o1.components[c].data).map((v) => v << 8), `component ${c}`);
  }
});

const tmp = tempDir('w6');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('signedPredictorWorkaround reproduces DCMTK +w6 on JPEGLossless_1s_1f_i_16_16_bad.dcm', async () => {
  const src = path.join(TESTDATA, 'pylibjpeg-data', 'ds', 'JPEGLossless', 'JPEGLossless_1s_1f_i_16_16_bad.dcm');
  const out = path.join(tmp, 'w6.dcm');
  dcmtk('dcmdjpeg', ['+w6', src, out]);
  const expected = readPixelFile(out).pixelData;
  const f = readPixelFile(src);
  const info = { ...f, planarConfiguration: 0 as const };
  const fixed = await decodeFrame(f.transferSyntax, f.fragments ?? [], info, { signedPredictorWorkaround: true });
  assert.ok(expected && fixed.equals(expected), 'differs from dcmdjpeg +w6');
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < fixed.length; i += 2) {
    min = Math.min(min, fixed.readInt16LE(i));
    max = Math.max(max, fixed.readInt16LE(i));
  }
  assert.deepEqual([min, max], [-2000, 4095]); // the intended CT range (testdata README)
  const plain = await decodeFrame(f.transferSyntax, f.fragments ?? [], info);
  assert.ok(!plain.equals(fixed), 'the standard decode differs from the workaround');
});
