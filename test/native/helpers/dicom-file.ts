// Test-only helper for the codec tests: the Image Pixel attributes and the native or encapsulated Pixel
// Data of a Part-10 file, read with src/dicom/reader.ts; and MANIFEST.tsv rows.
import fs from 'node:fs';
import { DatasetReader } from '../../../src/dicom/reader.js';
import { integerStringValue, uint16Value } from '../../../src/dicom/values.js';

export interface PixelFile {
  transferSyntax: string;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  planarConfiguration: 0 | 1;
  numberOfFrames: number;
  /** Native pixel data (undefined when encapsulated). */
  pixelData?: Buffer;
  /** Encapsulated: Basic Offset Table item value and the fragments after it. */
  basicOffsetTable?: Buffer;
  fragments?: Buffer[];
}

const PIXEL_DATA = 0x7fe00010;

/**
 * Image Pixel attributes and Pixel Data of a Part-10 file, read with the gateway's own DatasetReader.
 * Synchronous: the whole file goes in one write(), which delivers every value to the callbacks.
 */
export function readPixelFile(file: string): PixelFile {
  const out: PixelFile = {
    transferSyntax: '', rows: 0, columns: 0, samplesPerPixel: 1, bitsAllocated: 0, bitsStored: 0,
    pixelRepresentation: 0, planarConfiguration: 0, numberOfFrames: 1,
  };
  const join = (parts: Buffer[]): Buffer => (parts.length === 1 ? parts[0] : Buffer.concat(parts));
  let pixel: Buffer[] = [];
  let fragment: Buffer[] = [];
  const items: Buffer[] = [];
  let found = false;
  const reader = new DatasetReader({
    metaEnd: (m) => { out.transferSyntax = m.transferSyntax; },
    element: (e, v) => {
      if (e.depth !== 0) return;
      const us = (): number => uint16Value(v, e.encoding.littleEndian) ?? 0;
      switch (e.tag) {
        case 0x00280002: out.samplesPerPixel = us(); break;
        case 0x00280006: out.planarConfiguration = us() as 0 | 1; break;
        case 0x00280008: out.numberOfFrames = integerStringValue(v) ?? 1; break;
        case 0x00280010: out.rows = us(); break;
        case 0x00280011: out.columns = us(); break;
        case 0x00280100: out.bitsAllocated = us(); break;
        case 0x00280101: out.bitsStored = us(); break;
        case 0x00280103: out.pixelRepresentation = us() as 0 | 1; break;
        default: break;
      }
    },
    bulkData: (e, c) => { if (e.tag === PIXEL_DATA && e.depth === 0) pixel.push(c); },
    bulkEnd: (e) => {
      if (e.tag !== PIXEL_DATA || e.depth !== 0) return;
      out.pixelData = join(pixel);
      pixel = [];
      found = true;
    },
    fragmentData: (_e, c) => { fragment.push(c); },
    fragmentEnd: () => {
      items.push(fragment.length ? join(fragment) : Buffer.alloc(0));
      fragment = [];
    },
    encapsulatedEnd: () => {
      out.basicOffsetTable = items[0];
      out.fragments = items.slice(1);
      found = true;
    },
  }, { format: 'part10' });
  reader.write(fs.readFileSync(file));
  if (!found) throw new Error(`${file}: no pixel data`);
  return out;
}

export interface ManifestRow {
  path: string;
  transferSyntax: string;
  frames: number;
  planar: string;
  sha256: string;
  note: string;
}

export function readManifest(testdata: string): ManifestRow[] {
  const lines = fs.readFileSync(`${testdata}/MANIFEST.tsv`, 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const col = (name: string) => head.indexOf(name);
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return {
      path: f[col('path')],
      transferSyntax: f[col('transfer_syntax')],
      frames: Number(f[col('frames')]),
      planar: f[col('planar')],
      sha256: f[col('pixel_sha256_dcmtk')],
      note: f[col('note')] ?? '',
    };
  });
}
