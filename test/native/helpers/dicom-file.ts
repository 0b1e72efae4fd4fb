// Test-only helper: a minimal Part-10 reader for the codec tests (not the gateway's streaming reader,
// which lives in src/dicom/). Explicit VR Little Endian datasets (plus Implicit VR LE, for twins);
// returns the Image Pixel attributes and the native or encapsulated Pixel Data.
import fs from 'node:fs';

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

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const UNDEFINED = 0xffffffff;

interface Cursor {
  buf: Buffer;
  pos: number;
  explicit: boolean;
}

interface Header {
  group: number;
  element: number;
  vr: string;
  length: number;
}

function readHeader(c: Cursor): Header {
  const group = c.buf.readUInt16LE(c.pos);
  const element = c.buf.readUInt16LE(c.pos + 2);
  if (group === 0xfffe) {
    const length = c.buf.readUInt32LE(c.pos + 4);
    c.pos += 8;
    return { group, element, vr: '', length };
  }
  if (!c.explicit) {
    const length = c.buf.readUInt32LE(c.pos + 4);
    c.pos += 8;
    return { group, element, vr: group === 0x7fe0 ? 'OW' : 'UN', length };
  }
  const vr = c.buf.toString('latin1', c.pos + 4, c.pos + 6);
  if (LONG_VRS.has(vr)) {
    const length = c.buf.readUInt32LE(c.pos + 8);
    c.pos += 12;
    return { group, element, vr, length };
  }
  const length = c.buf.readUInt16LE(c.pos + 6);
  c.pos += 8;
  return { group, element, vr, length };
}

// Skips an undefined-length sequence or item body up to its delimiter.
function skipUndefined(c: Cursor, delimiter: number): void {
  while (c.pos < c.buf.length) {
    const h = readHeader(c);
    if (h.group === 0xfffe && h.element === delimiter) return;
    if (h.group === 0xfffe && h.element === 0xe000) {
      if (h.length === UNDEFINED) skipUndefined(c, 0xe00d);
      else c.pos += h.length;
      continue;
    }
    if (h.length === UNDEFINED) skipUndefined(c, 0xe0dd);
    else c.pos += h.length;
  }
  throw new Error('unterminated undefined-length value');
}

function readFragments(c: Cursor): Buffer[] {
  const items: Buffer[] = [];
  for (;;) {
    const h = readHeader(c);
    if (h.group !== 0xfffe) throw new Error('item expected in encapsulated pixel data');
    if (h.element === 0xe0dd) return items;
    items.push(c.buf.subarray(c.pos, c.pos + h.length));
    c.pos += h.length;
  }
}

export function readPixelFile(file: string): PixelFile {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 128, 132) !== 'DICM') throw new Error(`${file}: no DICM prefix`);
  const c: Cursor = { buf, pos: 132, explicit: true };
  const out: PixelFile = {
    transferSyntax: '', rows: 0, columns: 0, samplesPerPixel: 1, bitsAllocated: 0, bitsStored: 0,
    pixelRepresentation: 0, planarConfiguration: 0, numberOfFrames: 1,
  };
  while (c.pos < buf.length) {
    if (c.pos >= 132 && buf.readUInt16LE(c.pos) !== 0x0002 && out.transferSyntax) {
      c.explicit = out.transferSyntax !== '1.2.840.10008.1.2';
    }
    const h = readHeader(c);
    const tag = ((h.group << 16) | h.element) >>> 0;
    if (tag === 0x7fe00010) {
      if (h.length === UNDEFINED) {
        const items = readFragments(c);
        out.basicOffsetTable = items[0];
        out.fragments = items.slice(1);
      } else {
        out.pixelData = buf.subarray(c.pos, c.pos + h.length);
      }
      return out;
    }
    if (h.length === UNDEFINED) {
      skipUndefined(c, 0xe0dd);
      continue;
    }
    const v = buf.subarray(c.pos, c.pos + h.length);
    c.pos += h.length;
    const str = () => v.toString('latin1').replace(/[\0 ]+$/, '').trim();
    switch (tag) {
      case 0x00020010: out.transferSyntax = str(); break;
      case 0x00280002: out.samplesPerPixel = v.readUInt16LE(0); break;
      case 0x00280006: out.planarConfiguration = v.readUInt16LE(0) as 0 | 1; break;
      case 0x00280008: out.numberOfFrames = Number.parseInt(str(), 10) || 1; break;
      case 0x00280010: out.rows = v.readUInt16LE(0); break;
      case 0x00280011: out.columns = v.readUInt16LE(0); break;
      case 0x00280100: out.bitsAllocated = v.readUInt16LE(0); break;
      case 0x00280101: out.bitsStored = v.readUInt16LE(0); break;
      case 0x00280103: out.pixelRepresentation = v.readUInt16LE(0) as 0 | 1; break;
      default: break;
    }
  }
  throw new Error(`${file}: no pixel data`);
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
