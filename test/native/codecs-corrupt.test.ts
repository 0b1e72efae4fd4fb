// Corrupt input never crashes, hangs or reads out of bounds: truncated and byte-flipped frames either
// decode (to the right size) or reject with a GW_ERR_CODEC_* code. Also the typed errors themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, CODEC_TRANSFER_SYNTAXES as TS, type FrameInfo } from '../../src/codecs/index.js';
import { GatewayError } from '../../src/errors.js';
import { prng, syntheticFrame } from './helpers/images.js';

const CODEC_CODES = new Set([
  'GW_ERR_CODEC_TRUNCATED', 'GW_ERR_CODEC_MARKER', 'GW_ERR_CODEC_HUFFMAN', 'GW_ERR_CODEC_UNSUPPORTED',
  'GW_ERR_CODEC_DIMENSIONS', 'GW_ERR_CODEC_SEGMENTS',
]);

const info: FrameInfo = { rows: 17, columns: 21, samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0, planarConfiguration: 0 };
const size = 17 * 21 * 3 * 2;

async function outcome(ts: string, data: Buffer): Promise<Buffer | string> {
  try {
    return await decodeFrame(ts, data, info);
  } catch (err) {
    assert.ok(err instanceof GatewayError, `not a GatewayError: ${String(err)}`);
    assert.ok(CODEC_CODES.has(err.code), `unexpected code ${err.code}`);
    return err.code;
  }
}

for (const ts of [TS.JPEG_LOSSLESS_SV1, TS.RLE_LOSSLESS]) {
  test(`${ts}: every truncation rejects with a codec code or decodes the whole frame`, async () => {
    const px = syntheticFrame(info, 3);
    const enc = await encodeFrame(ts, px, info);
    const results = await Promise.all(Array.from({ length: enc.length }, (_, n) => outcome(ts, enc.subarray(0, n))));
    let rejected = 0;
    results.forEach((r, n) => {
      if (typeof r === 'string') rejected++;
      else assert.ok(r.equals(px), `truncated to ${n} bytes but decoded to other pixels`);
    });
    assert.ok(rejected >= enc.length - 4, `${rejected} of ${enc.length} truncations rejected`);
  });

  test(`${ts}: 3000 random byte flips never crash`, async () => {
    const enc = await encodeFrame(ts, syntheticFrame(info, 4), info);
    const rnd = prng(99);
    const variants = Array.from({ length: 3000 }, () => {
      const b = Buffer.from(enc);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let i = 0; i < flips; i++) b[Math.floor(rnd() * b.length)] ^= 1 + Math.floor(rnd() * 255);
      return b;
    });
    const results = await Promise.all(variants.map((v) => outcome(ts, v)));
    for (const r of results) if (typeof r !== 'string') assert.equal(r.length, size);
  });
}

test('typed errors: dimensions, segments, markers, unsupported processes', async () => {
  const px = syntheticFrame(info, 5);
  const jpeg = await encodeFrame(TS.JPEG_LOSSLESS_SV1, px, info);
  const rle = await encodeFrame(TS.RLE_LOSSLESS, px, info);
  await assert.rejects(decodeFrame(TS.JPEG_LOSSLESS_SV1, jpeg, { ...info, rows: 16 }), { code: 'GW_ERR_CODEC_DIMENSIONS' });
  await assert.rejects(decodeFrame(TS.JPEG_LOSSLESS_SV1, jpeg, { ...info, samplesPerPixel: 1 }), { code: 'GW_ERR_CODEC_DIMENSIONS' });
  await assert.rejects(decodeFrame(TS.JPEG_LOSSLESS_SV1, jpeg, { ...info, bitsAllocated: 8, bitsStored: 8 }), { code: 'GW_ERR_CODEC_DIMENSIONS' });
  await assert.rejects(decodeFrame(TS.RLE_LOSSLESS, rle, { ...info, samplesPerPixel: 1 }), { code: 'GW_ERR_CODEC_SEGMENTS' });
  await assert.rejects(decodeFrame(TS.RLE_LOSSLESS, rle, { ...info, rows: 18 }), { code: 'GW_ERR_CODEC_TRUNCATED' });
  const noSoi = Buffer.from(jpeg);
  noSoi[1] = 0xd9;
  await assert.rejects(decodeFrame(TS.JPEG_LOSSLESS_SV1, noSoi, info), { code: 'GW_ERR_CODEC_MARKER' });
  const baseline = Buffer.from(jpeg);
  baseline[3] = 0xc0; // SOF3 → SOF0 (DCT): not process 14
  await assert.rejects(decodeFrame(TS.JPEG_LOSSLESS_SV1, baseline, info), { code: 'GW_ERR_CODEC_UNSUPPORTED' });
  await assert.rejects(decodeFrame(TS.JPEG_LOSSLESS_SV1, jpeg.subarray(0, jpeg.length - 40), info), { code: 'GW_ERR_CODEC_TRUNCATED' });
});

test('decodeFrame writes into opts.target and resolves with it', async () => {
  const px = syntheticFrame(info, 6);
  const enc = await encodeFrame(TS.RLE_LOSSLESS, px, info);
  const whole = Buffer.alloc(size + 4, 0xee);
  const target = whole.subarray(2, 2 + size);
  const got = await decodeFrame(TS.RLE_LOSSLESS, enc, info, { target });
  assert.equal(got, target);
  assert.ok(target.equals(px));
  assert.deepEqual([whole[0], whole[1], whole[size + 2], whole[size + 3]], [0xee, 0xee, 0xee, 0xee]);
  // JPEG, one 16-bit component: decoded in place when the target is 2-byte aligned, else via a plane.
  const mono: FrameInfo = { ...info, samplesPerPixel: 1 };
  const monoPx = syntheticFrame(mono, 8);
  const jpeg = await encodeFrame(TS.JPEG_LOSSLESS_SV1, monoPx, mono);
  const backing = Buffer.alloc(monoPx.length + 3, 0xee);
  for (const offset of [0, 1, 2]) {
    const t = backing.subarray(offset, offset + monoPx.length);
    await decodeFrame(TS.JPEG_LOSSLESS_SV1, jpeg, mono, { target: t });
    assert.ok(t.equals(monoPx), `offset ${offset}`);
  }
});

test('arguments are checked in TS with the parameter named', async () => {
  const px = Buffer.alloc(size);
  assert.throws(() => decodeFrame('1.2.840.10008.1.2.4.50', px, info), { code: 'GW_ERR_CODEC_TRANSFER_SYNTAX' });
  assert.throws(() => decodeFrame(TS.RLE_LOSSLESS, 'x' as never, info), { code: 'GW_ERR_ARGUMENT', message: /frame\[0\]/ });
  assert.throws(() => decodeFrame(TS.RLE_LOSSLESS, px, { ...info, rows: 0 }), { code: 'GW_ERR_ARGUMENT', message: /info\.rows/ });
  assert.throws(() => decodeFrame(TS.JPEG_LOSSLESS_SV1, px, { ...info, bitsAllocated: 32 }), { code: 'GW_ERR_ARGUMENT', message: /bitsAllocated/ });
  assert.throws(() => decodeFrame(TS.RLE_LOSSLESS, px, { ...info, samplesPerPixel: 4, bitsAllocated: 32, bitsStored: 32 }), { code: 'GW_ERR_ARGUMENT', message: /segments/ });
  assert.throws(() => encodeFrame(TS.JPEG_LOSSLESS_SV1, px, info, { predictor: 2 }), { code: 'GW_ERR_ARGUMENT', message: /predictor/ });
  assert.throws(() => decodeFrame(TS.RLE_LOSSLESS, px, info, { target: Buffer.alloc(size - 2) }), { code: 'GW_ERR_ARGUMENT', message: /opts\.target/ });
  assert.throws(() => encodeFrame(TS.JPEG_LOSSLESS_P14, px.subarray(1), info), { code: 'GW_ERR_ARGUMENT', message: /pixels/ });
});
