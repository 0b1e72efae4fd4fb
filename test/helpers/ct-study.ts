// Test helper: writes synthetic CT instances (Part-10, Explicit VR Little Endian, 16-bit signed,
// explicit lengths, no group lengths) whose pixel data differ per instance, and one large multi-frame
// instance streamed to disk. No patient data of anyone: fixed test names.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { element, elementHeader, fileMeta, paddedString } from '../../src/dicom/writer.js';
import { ENC_EXPLICIT_LE } from '../../src/dicom/encoding.js';
import type { Vr } from '../../src/dicom/vr.js';
import { crc32c } from '../../src/native/binding.js';
import { crc32cDigestString } from '../../src/spool/digest.js';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
/** Multi-frame Grayscale Word Secondary Capture Image Storage (PS3.4 Annex B). */
export const MF_GRAYSCALE_WORD_SC = '1.2.840.10008.5.1.4.1.1.7.3';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/** A UID under 2.25 from a random UUID (PS3.5 §B.2). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

const E = ENC_EXPLICIT_LE;
const str = (tag: number, vr: Vr, s: string): Buffer => element(tag, vr, paddedString(vr, s), E);
const us = (tag: number, v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return element(tag, 'US', b, E);
};

interface Head { sopClassUid: string; sopInstanceUid: string; studyUid: string; seriesUid: string; number: number; rows: number; cols: number; frames?: number; modality: string }

/** Every element before Pixel Data, in tag order. */
function header(h: Head): Buffer {
  const parts = [
    str(0x00080016, 'UI', h.sopClassUid), str(0x00080018, 'UI', h.sopInstanceUid), str(0x00080060, 'CS', h.modality),
    str(0x00100010, 'PN', 'TEST^FORWARD'), str(0x00100020, 'LO', 'PGTEST'),
    str(0x0020000d, 'UI', h.studyUid), str(0x0020000e, 'UI', h.seriesUid), str(0x00200013, 'IS', String(h.number)),
    us(0x00280002, 1), str(0x00280004, 'CS', 'MONOCHROME2'),
  ];
  if (h.frames !== undefined) parts.push(str(0x00280008, 'IS', String(h.frames)));
  parts.push(us(0x00280010, h.rows), us(0x00280011, h.cols), us(0x00280100, 16), us(0x00280101, 16), us(0x00280102, 15), us(0x00280103, 1));
  return Buffer.concat(parts);
}

export interface GeneratedFile { path: string; sopInstanceUid: string; sopClassUid: string }

/** Writes `count` CT instances of one series into `dir` (created); another SOP Class on request. */
export function writeCtStudy(dir: string, count: number, opts: { rows?: number; cols?: number; sopClassUid?: string; modality?: string } = {}): GeneratedFile[] {
  const sopClassUid = opts.sopClassUid ?? CT_IMAGE_STORAGE;
  const modality = opts.modality ?? 'CT';
  mkdirSync(dir, { recursive: true });
  const rows = opts.rows ?? 512;
  const cols = opts.cols ?? 512;
  const studyUid = newUid();
  const seriesUid = newUid();
  const pixels = Buffer.alloc(rows * cols * 2);
  const noise = randomBytes(pixels.length);
  const out: GeneratedFile[] = [];
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < pixels.length; p += 2) pixels.writeInt16LE(((noise.readUInt16LE(p) + i * 7919) & 0x0fff) - 1024, p);
    const sopInstanceUid = newUid();
    const file = path.join(dir, `${modality.toLowerCase()}${String(i).padStart(5, '0')}.dcm`);
    writeFileSync(file, Buffer.concat([
      fileMeta({ sopClassUid, sopInstanceUid, transferSyntax: EXPLICIT_LE }),
      header({ sopClassUid, sopInstanceUid, studyUid, seriesUid, number: i + 1, rows, cols, modality }),
      elementHeader(0x7fe00010, 'OW', pixels.length, E), pixels,
    ]));
    out.push({ path: file, sopInstanceUid, sopClassUid });
  }
  return out;
}

/** Streams one multi-frame instance of `frames` 512×512 16-bit frames (512 KiB each) to `file`; every
 *  frame differs, so a misplaced chunk changes the digest. `datasetBytes`/`sha256`: the dataset after the
 *  meta group, what the spool stores. */
export async function writeMultiframe(file: string, frames: number): Promise<GeneratedFile & { bytes: number; datasetBytes: number; sha256: string; digest: string }> {
  const rows = 512;
  const cols = 512;
  const frameBytes = rows * cols * 2;
  const sopInstanceUid = newUid();
  const ws = createWriteStream(file);
  const put = async (b: Buffer): Promise<void> => {
    if (!ws.write(b)) await once(ws, 'drain');
  };
  const hash = createHash('sha256');
  let crc = 0;
  let datasetBytes = 0;
  const putDataset = (b: Buffer): Promise<void> => {
    hash.update(b);
    crc = crc32c(b, crc);
    datasetBytes += b.length;
    return put(b);
  };
  await put(fileMeta({ sopClassUid: MF_GRAYSCALE_WORD_SC, sopInstanceUid, transferSyntax: EXPLICIT_LE }));
  await putDataset(header({ sopClassUid: MF_GRAYSCALE_WORD_SC, sopInstanceUid, studyUid: newUid(), seriesUid: newUid(), number: 1, rows, cols, frames, modality: 'OT' }));
  await putDataset(elementHeader(0x7fe00010, 'OW', frames * frameBytes, E));
  const frame = randomBytes(frameBytes);
  for (let f = 0; f < frames; f++) {
    const b = Buffer.from(frame);
    b.writeUInt32LE(f, 0);
    await putDataset(b);
  }
  ws.end();
  await once(ws, 'finish');
  return { path: file, sopInstanceUid, sopClassUid: MF_GRAYSCALE_WORD_SC, bytes: ws.bytesWritten, datasetBytes, sha256: hash.digest('hex'), digest: crc32cDigestString(crc) };
}
