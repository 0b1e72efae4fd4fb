// Test helper: writes a large multi-frame instance (Multi-frame Grayscale Word SC, 512×512×16-bit
// frames) as a Part-10 file, streaming frames to disk, and returns the SHA-256 of its data set. The data
// set is encoded the way DCMTK re-encodes it (even lengths, no group lengths, no padding), so the bytes
// storescu sends equal the file's bytes after the meta header.
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { element, elementHeader, fileMeta, paddedString } from '../../src/dicom/writer.js';
import { ENC_EXPLICIT_LE } from '../../src/dicom/encoding.js';

export const MF_GRAYSCALE_WORD_SC = '1.2.840.10008.5.1.4.1.1.7.3';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const FRAME = 512 * 512 * 2;

function us(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
}

export interface BigInstance {
  file: string;
  sopInstanceUid: string;
  sopClassUid: string;
  /** Data set length and SHA-256 (what a receiver must store). */
  datasetBytes: number;
  sha256: string;
}

export function writeBigInstance(file: string, frames: number, uidSuffix: string): BigInstance {
  const E = ENC_EXPLICIT_LE;
  const uid = `2.25.7${uidSuffix}`;
  const header = Buffer.concat([
    element(0x00080016, 'UI', paddedString('UI', MF_GRAYSCALE_WORD_SC), E),
    element(0x00080018, 'UI', paddedString('UI', uid), E),
    element(0x00080060, 'CS', paddedString('CS', 'OT'), E),
    element(0x0020000d, 'UI', paddedString('UI', `${uid}.1`), E),
    element(0x0020000e, 'UI', paddedString('UI', `${uid}.2`), E),
    element(0x00280002, 'US', us(1), E),
    element(0x00280004, 'CS', paddedString('CS', 'MONOCHROME2'), E),
    element(0x00280008, 'IS', paddedString('IS', String(frames)), E),
    element(0x00280010, 'US', us(512), E),
    element(0x00280011, 'US', us(512), E),
    element(0x00280100, 'US', us(16), E),
    element(0x00280101, 'US', us(16), E),
    element(0x00280102, 'US', us(15), E),
    element(0x00280103, 'US', us(0), E),
    elementHeader(0x7fe00010, 'OW', frames * FRAME, E),
  ]);
  const h = createHash('sha256').update(header);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, fileMeta({ sopClassUid: MF_GRAYSCALE_WORD_SC, sopInstanceUid: uid, transferSyntax: EXPLICIT_LE }));
    writeSync(fd, header);
    const frame = Buffer.alloc(FRAME);
    for (let i = 0; i < FRAME; i += 2) frame.writeUInt16LE((i * 7) & 0xffff, i);
    for (let f = 0; f < frames; f++) {
      frame.writeUInt32LE(f, 0); // every frame differs, so a misplaced chunk changes the digest
      frame.writeUInt32LE(f ^ 0x5a5a5a5a, FRAME - 4);
      h.update(frame);
      writeSync(fd, frame);
    }
  } finally {
    closeSync(fd);
  }
  return { file, sopInstanceUid: uid, sopClassUid: MF_GRAYSCALE_WORD_SC, datasetBytes: header.length + frames * FRAME, sha256: h.digest('hex') };
}
