import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeDataset, canDecodeTo } from '../../src/codecs/dataset-transcoder.js';
import { DatasetReader } from '../../src/dicom/reader.js';
import { readPart10Info } from '../../src/dicom/part10.js';
import { fileMeta } from '../../src/dicom/writer.js';
import { manifest, TESTDATA } from '../helpers/testdata.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const tmp = mkdtempSync(path.join(tmpdir(), 'pg-dtx-'));

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function collect(gen: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of gen) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** Pixel Data SHA-256 and the other top-level element values of a native dataset. */
async function inspect(dataset: Buffer, ts: string): Promise<{ pixelSha: string; others: Map<number, string> }> {
  const h = createHash('sha256');
  const others = new Map<number, string>();
  const r = new DatasetReader({
    element: (e, v) => { if (e.depth === 0) others.set(e.tag, v.toString('hex')); },
    bulkData: (e, c) => { if (e.tag === 0x7fe00010 && e.depth === 0) h.update(c); },
  }, { format: 'dataset', transferSyntax: ts });
  r.write(dataset);
  await r.end();
  return { pixelSha: h.digest('hex'), others };
}

const rows = manifest().filter((r) => canDecodeTo(r.transferSyntax, EXPLICIT_LE) && r.pixelSha256);

test('covers every JPEG Lossless and RLE file of the manifest', () => {
  assert.ok(rows.length >= 20, `${rows.length} files`);
});

for (const row of rows) {
  test(`${row.path}: streamed decode to native has DCMTK's pixel SHA-256`, async () => {
    const file = path.join(TESTDATA, row.path);
    const info = await readPart10Info(file);
    const input = readFileSync(file).subarray(info.datasetOffset);
    for (const [ts, size] of [[EXPLICIT_LE, 4093], [IMPLICIT_LE, 65536]] as const) {
      const out = await collect(decodeDataset(chunks(input, size), info.transferSyntax, ts));
      const got = await inspect(out, ts);
      // Pixel data past the native length (odd padding) is not part of the hash DCMTK gave.
      assert.equal(got.pixelSha.length, 64);
      const expectedLen = Number(row.rows) * Number(row.columns) * Number(row.samples) * (Number(row.bitsAllocated) / 8) * Number(row.frames || 1);
      let px = Buffer.alloc(0);
      const r = new DatasetReader({ bulkData: (e, c) => { if (e.tag === 0x7fe00010) px = Buffer.concat([px, c]); } }, { format: 'dataset', transferSyntax: ts });
      r.write(out);
      await r.end();
      assert.equal(createHash('sha256').update(px.subarray(0, expectedLen)).digest('hex'), row.pixelSha256, `${ts}`);
      if (ts === EXPLICIT_LE) {
        // DCMTK must read what we wrote, as a Part-10 file.
        const f = path.join(tmp, path.basename(row.path));
        writeFileSync(f, Buffer.concat([fileMeta({ sopClassUid: info.sopClassUid, sopInstanceUid: info.sopInstanceUid, transferSyntax: ts }), out]));
        execFileSync('dcmdump', ['-q', f]);
      }
    }
  });
}

test('truncated compressed data fails with a typed error, not a hang or crash', async () => {
  const file = path.join(TESTDATA, 'pylibjpeg-data/ds/JPEGLosslessSV1/JPEG-LL.dcm');
  const info = await readPart10Info(file);
  const input = readFileSync(file).subarray(info.datasetOffset);
  await assert.rejects(collect(decodeDataset(chunks(input.subarray(0, input.length - 5000), 8192), info.transferSyntax, EXPLICIT_LE)), (e: Error & { code?: string }) => /^GW_ERR_(CODEC|DICOM)_/.test(String(e.code)));
});
