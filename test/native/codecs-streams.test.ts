// Stream layouts real encoders write, built by hand: tables before SOF, an all-ones Huffman code,
// SSSS = 16, restart markers, a frame split over fragments, 0x00 padding after EOI, planar input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, CODEC_TRANSFER_SYNTAXES as TS, type FrameInfo } from '../../src/codecs/index.js';
import { syntheticFrame } from './helpers/images.js';

const mono16: FrameInfo = { rows: 1, columns: 4, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, planarConfiguration: 0 };

// MSB-first bit packer with 0xFF00 stuffing (T.81 §F.1.2.3), padding with 1 bits.
function packBits(bits: string): Buffer {
  const padded = bits + '1'.repeat((8 - (bits.length % 8)) % 8);
  const out: number[] = [];
  for (let i = 0; i < padded.length; i += 8) {
    const b = Number.parseInt(padded.slice(i, i + 8), 2);
    out.push(b);
    if (b === 0xff) out.push(0);
  }
  return Buffer.from(out);
}

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const sof3 = (p: number, rows: number, cols: number) => [0xff, 0xc3, 0, 11, p, rows >> 8, rows & 255, cols >> 8, cols & 255, 1, 1, 0x11, 0];
const sos = (psv: number) => [0xff, 0xda, 0, 8, 1, 1, 0x00, psv, 0, 0];
// Table 0: '0' → SSSS 0, '10' → SSSS 1, '11' (all ones) → SSSS 16.
const dht = [0xff, 0xc4, 0, 2 + 1 + 16 + 3, 0x00, 1, 2, ...new Array(14).fill(0), 0, 1, 16];

function u16(values: Buffer): number[] {
  return Array.from({ length: values.length / 2 }, (_, i) => values.readUInt16LE(i * 2));
}

test('tables before SOF, an all-ones code and SSSS = 16 decode per T.81 §H.1.2.2', async () => {
  // P = 16, first prediction 2^15: +32768 (SSSS 16, code '11') → 0; then Ra: 0, +1 ('10' + '1'), -1 ('10' + '0').
  const data = packBits('11' + '0' + '101' + '100');
  const stream = Buffer.from([...SOI, ...dht, ...sof3(16, 1, 4), ...sos(1), ...data, ...EOI]);
  assert.deepEqual(u16(await decodeFrame(TS.JPEG_LOSSLESS_P14, stream, mono16)), [0, 0, 1, 0]);
});

test('a Huffman code not in the table is GW_ERR_CODEC_HUFFMAN', async () => {
  const tiny = [0xff, 0xc4, 0, 2 + 1 + 16 + 1, 0x00, 1, ...new Array(15).fill(0), 0]; // only '0' → SSSS 0
  const stream = Buffer.from([...SOI, ...sof3(16, 1, 4), ...tiny, ...sos(1), ...packBits('0011'), ...EOI]);
  await assert.rejects(decodeFrame(TS.JPEG_LOSSLESS_P14, stream, mono16), { code: 'GW_ERR_CODEC_HUFFMAN' });
});

test('a frame split over fragments, with 0x00 padding after EOI, decodes', async () => {
  const info: FrameInfo = { ...mono16, rows: 31, columns: 33, bitsStored: 12 };
  const px = syntheticFrame(info, 7);
  const enc = await encodeFrame(TS.JPEG_LOSSLESS_SV1, px, info);
  const padded = Buffer.concat([enc, Buffer.alloc(3)]);
  const parts = [padded.subarray(0, 5), padded.subarray(5, 301), padded.subarray(301)];
  assert.ok((await decodeFrame(TS.JPEG_LOSSLESS_SV1, parts, info)).equals(px));
});

test('SSSS = 16 from our encoder: differences of 32768 survive a round trip', async () => {
  const px = Buffer.alloc(8);
  [0, 32768, 0, 65535].forEach((v, i) => px.writeUInt16LE(v, i * 2));
  for (const predictor of [1, 4, 7] as const) {
    const enc = await encodeFrame(TS.JPEG_LOSSLESS_P14, px, mono16, { predictor });
    assert.ok((await decodeFrame(TS.JPEG_LOSSLESS_P14, enc, mono16)).equals(px), `predictor ${predictor}`);
  }
});

test('planar configuration 1 frames round-trip through both codecs', async () => {
  for (const bitsAllocated of [8, 16]) {
    const info: FrameInfo = { rows: 9, columns: 11, samplesPerPixel: 3, bitsAllocated, bitsStored: bitsAllocated, pixelRepresentation: 0, planarConfiguration: 1 };
    const px = syntheticFrame(info, bitsAllocated);
    for (const ts of [TS.JPEG_LOSSLESS_SV1, TS.RLE_LOSSLESS]) {
      const enc = await encodeFrame(ts, px, info);
      assert.ok((await decodeFrame(ts, enc, info)).equals(px), `${ts} ${bitsAllocated}`);
    }
  }
});

test('RLE: 32-bit samples, even segment lengths, odd offsets and trailing bytes', async () => {
  const info: FrameInfo = { rows: 5, columns: 7, samplesPerPixel: 3, bitsAllocated: 32, bitsStored: 32, pixelRepresentation: 0, planarConfiguration: 0 };
  const px = Buffer.alloc(5 * 7 * 3 * 4);
  for (let i = 0; i < px.length; i += 4) px.writeUInt32LE((i * 2654435761) >>> 0, i);
  const enc = await encodeFrame(TS.RLE_LOSSLESS, px, info);
  assert.equal(enc.readUInt32LE(0), 12);
  for (let s = 0; s < 12; s++) assert.equal(enc.readUInt32LE(4 + 4 * s) % 2, 0, `segment ${s} starts even`);
  assert.equal(enc.length % 2, 0);
  assert.ok((await decodeFrame(TS.RLE_LOSSLESS, [enc, Buffer.alloc(6)], info)).equals(px));
  // Move every segment one byte later (odd offsets) with a junk byte in front: still decodes.
  const odd = Buffer.concat([enc.subarray(0, 64), Buffer.from([0x80]), enc.subarray(64)]);
  for (let s = 0; s < 12; s++) odd.writeUInt32LE(enc.readUInt32LE(4 + 4 * s) + 1, 4 + 4 * s);
  assert.ok((await decodeFrame(TS.RLE_LOSSLESS, odd, info)).equals(px));
});

test('restart intervals are honoured (stream with DRI inserted by hand)', async () => {
  // 2 rows x 3 columns, P = 8, Ri = 3 MCUs (one row): row 2 restarts with the 2^(P-1) prediction.
  const info: FrameInfo = { rows: 2, columns: 3, samplesPerPixel: 1, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0, planarConfiguration: 0 };
  const dri = [0xff, 0xdd, 0, 4, 0, 3];
  // differences: row 1: +1, 0, 0 → 129 129 129; RST0; row 2: -1, 0, 0 → 127 127 127
  const row1 = packBits('101' + '0' + '0');
  const row2 = packBits('100' + '0' + '0');
  const stream = Buffer.from([...SOI, ...sof3(8, 2, 3), ...dht, ...dri, ...sos(1), ...row1, 0xff, 0xd0, ...row2, ...EOI]);
  assert.deepEqual([...(await decodeFrame(TS.JPEG_LOSSLESS_P14, stream, info))], [129, 129, 129, 127, 127, 127]);
  const wrongRst = Buffer.from([...SOI, ...sof3(8, 2, 3), ...dht, ...dri, ...sos(1), ...row1, 0xff, 0xd3, ...row2, ...EOI]);
  await assert.rejects(decodeFrame(TS.JPEG_LOSSLESS_P14, wrongRst, info), { code: 'GW_ERR_CODEC_MARKER' });
});
