// Round trips against DCMTK both ways, on generated images: 8/10/12/15/16 bits, signed and unsigned,
// 1 and 3 samples, an odd width with 2 frames, and 1x1, 1xN, Nx1 images.
//   DCMTK encodes (dcmcjpeg +e1, +el +sv 2..7, dcmcrle) → our decodeFrame → the original pixels;
//   our encodeFrame (every predictor; RLE) → dcmdjpeg / dcmdrle → the original pixels.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeFrame, encodeFrame, framesFromFragments, CODEC_TRANSFER_SYNTAXES as TS, type FrameInfo } from '../../src/codecs/index.js';
import { readPixelFile } from './helpers/dicom-file.js';
import { writeSecondaryCapture } from './helpers/dicom-writer.js';
import { syntheticFrame } from './helpers/images.js';
import { dcmtkAsync, tempDir } from './helpers/dcmtk.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const tmp = tempDir('roundtrip');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Case {
  name: string;
  info: FrameInfo;
  frames: Buffer[];
  predictors: number[];
}

function cases(): Case[] {
  const out: Case[] = [];
  let seed = 1;
  for (const bits of [8, 10, 12, 15, 16]) {
    for (const pr of [0, 1] as const) {
      for (const spp of [1, 3]) {
        const base = { samplesPerPixel: spp, bitsAllocated: bits > 8 ? 16 : 8, bitsStored: bits, pixelRepresentation: pr, planarConfiguration: 0 as const };
        const tag = `${bits}bit-${pr ? 's' : 'u'}-${spp}spp`;
        const big = { ...base, rows: 23, columns: 37 };
        out.push({ name: `${tag}-37x23x2`, info: big, frames: [syntheticFrame(big, seed++), syntheticFrame(big, seed++, 0.5)], predictors: [1, 2, 3, 4, 5, 6, 7] });
        for (const [rows, columns] of [[1, 1], [1, 17], [19, 1]]) {
          const info = { ...base, rows, columns };
          out.push({ name: `${tag}-${columns}x${rows}`, info, frames: [syntheticFrame(info, seed++)], predictors: [1] });
        }
      }
    }
  }
  return out;
}

// DCMTK may leave colour data by plane; bring it back to colour-by-pixel to compare with our originals.
function toPixelOrder(frame: Buffer, info: FrameInfo, planar: number): Buffer {
  if (planar === 0 || info.samplesPerPixel === 1) return frame;
  const bytes = info.bitsAllocated / 8;
  const n = info.rows * info.columns;
  const out = Buffer.alloc(frame.length);
  for (let c = 0; c < info.samplesPerPixel; c++) {
    for (let i = 0; i < n; i++) frame.copy(out, (i * info.samplesPerPixel + c) * bytes, (c * n + i) * bytes, (c * n + i + 1) * bytes);
  }
  return out;
}

function nativeFrames(file: string, info: FrameInfo): Buffer[] {
  const f = readPixelFile(file);
  assert.ok(f.pixelData, `${file} has native pixel data`);
  const size = info.rows * info.columns * info.samplesPerPixel * (info.bitsAllocated / 8);
  return Array.from({ length: f.numberOfFrames }, (_, i) => toPixelOrder(f.pixelData!.subarray(i * size, (i + 1) * size), info, f.planarConfiguration));
}

async function dcmtkEncodesWeDecode(c: Case, src: string): Promise<void> {
  const runs: Array<[string, string, string[]]> = c.predictors.map((k) => [
    k === 1 ? TS.JPEG_LOSSLESS_SV1 : TS.JPEG_LOSSLESS_P14, 'dcmcjpeg', k === 1 ? ['+e1'] : ['+el', '+sv', String(k)],
  ]);
  runs.push([TS.RLE_LOSSLESS, 'dcmcrle', []]);
  await Promise.all(
    runs.map(async ([ts, tool, opts], i) => {
      const out = path.join(tmp, `${c.name}-dcmtk-${i}.dcm`);
      await dcmtkAsync(tool, [...opts, src, out]);
      const f = readPixelFile(out);
      assert.equal(f.transferSyntax, ts, `${tool} ${opts.join(' ')} wrote ${ts}`);
      const frames = framesFromFragments(f.fragments ?? [], f.numberOfFrames, f.basicOffsetTable);
      const info = { ...c.info, planarConfiguration: 0 as const };
      for (const [k, fr] of frames.entries()) {
        const ours = await decodeFrame(ts, fr, info);
        assert.ok(ours.equals(c.frames[k]), `${tool} ${opts.join(' ')} frame ${k}: our decode differs from the original`);
      }
    }),
  );
}

async function weEncodeDcmtkDecodes(c: Case): Promise<void> {
  // One .57 file holds every source frame coded with every predictor: frame p * n + k.
  const jpeg: Buffer[] = [];
  for (const p of c.predictors) {
    for (const fr of c.frames) jpeg.push(await encodeFrame(TS.JPEG_LOSSLESS_P14, fr, c.info, { predictor: p as 1 }));
  }
  const rle = await Promise.all(c.frames.map((fr) => encodeFrame(TS.RLE_LOSSLESS, fr, c.info)));
  const specs: Array<[string, Buffer[], string]> = [[TS.JPEG_LOSSLESS_P14, jpeg, 'dcmdjpeg'], [TS.RLE_LOSSLESS, rle, 'dcmdrle']];
  await Promise.all(
    specs.map(async ([ts, frames, tool]) => {
      const enc = path.join(tmp, `${c.name}-ours-${tool}.dcm`);
      const dec = path.join(tmp, `${c.name}-ours-${tool}-dec.dcm`);
      writeSecondaryCapture(enc, { info: c.info, numberOfFrames: frames.length, transferSyntax: ts, pixels: frames });
      await dcmtkAsync(tool, [enc, dec]);
      const got = nativeFrames(dec, c.info);
      assert.equal(got.length, frames.length);
      got.forEach((g, i) => assert.ok(g.equals(c.frames[i % c.frames.length]), `${tool}: frame ${i} differs from the original`));
    }),
  );
}

for (const c of cases()) {
  test(`DCMTK round trips: ${c.name}`, async () => {
    const src = path.join(tmp, `${c.name}.dcm`);
    writeSecondaryCapture(src, { info: c.info, numberOfFrames: c.frames.length, transferSyntax: EXPLICIT_LE, pixels: Buffer.concat(c.frames) });
    await Promise.all([dcmtkEncodesWeDecode(c, src), weEncodeDcmtkDecodes(c)]);
  });
}
