// Test-only helper: writes minimal Secondary Capture Part-10 files (Explicit VR Little Endian dataset)
// with native or encapsulated Pixel Data, as input for the DCMTK tools in the codec tests.
import fs from 'node:fs';
import type { FrameInfo } from '../../../src/codecs/index.js';
import { encapsulate, SEQUENCE_DELIMITATION_ITEM } from '../../../src/codecs/index.js';

const SC_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.7';
const UID_ROOT = '1.2.826.0.1.3680043.10.1234.';

function pad(b: Buffer, padByte: number): Buffer {
  return b.length & 1 ? Buffer.concat([b, Buffer.from([padByte])]) : b;
}

function element(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

const str = (s: string, padByte = 0x20) => pad(Buffer.from(s, 'latin1'), padByte);
const uid = (s: string) => str(s, 0);
const us = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};

let counter = 0;

export interface WriteSpec {
  info: FrameInfo;
  numberOfFrames: number;
  transferSyntax: string;
  /** Native pixel data (all frames), or one compressed Buffer per frame. */
  pixels: Buffer | Buffer[];
}

export function writeSecondaryCapture(file: string, spec: WriteSpec): void {
  const { info } = spec;
  const instance = `${UID_ROOT}${process.pid}.${Date.now()}.${++counter}`;
  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', uid(SC_IMAGE_STORAGE)),
    element(0x0002, 0x0003, 'UI', uid(instance)),
    element(0x0002, 0x0010, 'UI', uid(spec.transferSyntax)),
    element(0x0002, 0x0012, 'UI', uid(`${UID_ROOT}1`)),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length);
  const rgb = info.samplesPerPixel === 3;
  const parts = [
    element(0x0008, 0x0016, 'UI', uid(SC_IMAGE_STORAGE)),
    element(0x0008, 0x0018, 'UI', uid(instance)),
    element(0x0008, 0x0060, 'CS', str('OT')),
    element(0x0008, 0x0064, 'CS', str('WSD')),
    element(0x0010, 0x0010, 'PN', str('TEST^CODEC')),
    element(0x0010, 0x0020, 'LO', str('CODEC1')),
    element(0x0020, 0x000d, 'UI', uid(`${instance}.1`)),
    element(0x0020, 0x000e, 'UI', uid(`${instance}.2`)),
    element(0x0028, 0x0002, 'US', us(info.samplesPerPixel)),
    element(0x0028, 0x0004, 'CS', str(rgb ? 'RGB' : 'MONOCHROME2')),
  ];
  if (info.samplesPerPixel > 1) parts.push(element(0x0028, 0x0006, 'US', us(info.planarConfiguration)));
  parts.push(
    element(0x0028, 0x0008, 'IS', str(String(spec.numberOfFrames))),
    element(0x0028, 0x0010, 'US', us(info.rows)),
    element(0x0028, 0x0011, 'US', us(info.columns)),
    element(0x0028, 0x0100, 'US', us(info.bitsAllocated)),
    element(0x0028, 0x0101, 'US', us(info.bitsStored)),
    element(0x0028, 0x0102, 'US', us(info.bitsStored - 1)),
    element(0x0028, 0x0103, 'US', us(info.pixelRepresentation)),
  );
  if (Buffer.isBuffer(spec.pixels)) {
    parts.push(element(0x7fe0, 0x0010, info.bitsAllocated > 8 ? 'OW' : 'OB', pad(spec.pixels, 0)));
  } else {
    const head = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]); // OB, undefined length
    parts.push(head, ...encapsulate(spec.pixels).items, SEQUENCE_DELIMITATION_ITEM);
  }
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.alloc(128),
      Buffer.from('DICM', 'latin1'),
      element(0x0002, 0x0000, 'UL', groupLength),
      metaBody,
      ...parts,
    ]),
  );
}
