// Test helper: what the forward tests compare — a Part-10 file's dataset bytes (after the meta group,
// located with readPart10Info) and its top-level Pixel Data value.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readPart10Info, type Part10Info } from '../../src/dicom/part10.js';
import { DatasetReader } from '../../src/dicom/reader.js';

const PIXEL_DATA = 0x7fe00010;

/** Meta facts and the dataset bytes of a Part-10 file on disk. */
export async function datasetOf(file: string): Promise<{ info: Part10Info; dataset: Buffer }> {
  const info = await readPart10Info(file);
  return { info, dataset: readFileSync(file).subarray(info.datasetOffset) };
}

/** Same for a Part-10 file held in memory (e.g. Orthanc's /instances/{id}/file). */
export async function datasetOfBuffer(buf: Buffer): Promise<{ info: Part10Info; dataset: Buffer }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-ds-'));
  try {
    const f = path.join(dir, 'x.dcm');
    writeFileSync(f, buf);
    const info = await readPart10Info(f);
    return { info, dataset: buf.subarray(info.datasetOffset) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The top-level Pixel Data value of a Part-10 file (native encodings), or null when absent. */
export async function pixelDataOf(file: string): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let found = false;
  const reader = new DatasetReader({
    element: (el, v) => { if (el.tag === PIXEL_DATA && el.depth === 0) { found = true; parts.push(Buffer.from(v)); } },
    bulkStart: (el) => { if (el.tag === PIXEL_DATA && el.depth === 0) found = true; },
    bulkData: (el, c) => { if (el.tag === PIXEL_DATA && el.depth === 0) parts.push(Buffer.from(c)); },
  }, { format: 'part10' });
  reader.write(readFileSync(file));
  await reader.end();
  return found ? Buffer.concat(parts) : null;
}

/** SOP Class and Instance UIDs from the dataset itself, (0008,0016) and (0008,0018): what storescu sends. */
export async function datasetUidsOf(file: string): Promise<{ sopClassUid: string; sopInstanceUid: string }> {
  const out = { sopClassUid: '', sopInstanceUid: '' };
  const text = (v: Buffer): string => v.toString('latin1').replace(/[\0 ]+$/, '');
  const reader = new DatasetReader({
    element: (el, v) => {
      if (el.depth !== 0) return;
      if (el.tag === 0x00080016) out.sopClassUid = text(v);
      if (el.tag === 0x00080018) out.sopInstanceUid = text(v);
    },
  }, { format: 'part10' });
  reader.write(readFileSync(file));
  await reader.end();
  return out;
}
