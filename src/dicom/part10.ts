// Part-10 files: reads just the preamble and file meta group of a file (PS3.10 §7.1) to learn its
// transfer syntax, SOP UIDs and where the dataset starts. Dicom layer; reads only the file's head.
import { open } from 'node:fs/promises';
import { DicomParseError, ERROR_CODES } from '../errors.js';
import { DatasetReader, type FileMetaInfo } from './reader.js';
import { uidValue } from './values.js';

export interface Part10Info {
  path: string;
  size: number;
  transferSyntax: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** Offset of the first dataset byte. */
  datasetOffset: number;
}

/** Thrown by the reader's metaEnd callback to stop reading once the meta group is known. */
class MetaFound {
  constructor(readonly meta: FileMetaInfo) {}
}

/**
 * @throws DicomParseError GW_ERR_DICOM_META when the file has no meta group or it lacks the SOP UIDs,
 *   and the reader's codes for a malformed head.
 */
export async function readPart10Info(path: string): Promise<Part10Info> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const reader = new DatasetReader({ metaEnd: (m) => { throw new MetaFound(m); } }, { format: 'part10' });
    const buf = Buffer.alloc(16 * 1024);
    let pos = 0;
    let meta: FileMetaInfo | null = null;
    try {
      while (pos < size) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        reader.write(Buffer.from(buf.subarray(0, bytesRead)));
        pos += bytesRead;
      }
      await reader.end();
    } catch (e) {
      if (!(e instanceof MetaFound)) throw e;
      meta = e.meta;
    }
    if (!meta) throw new DicomParseError(ERROR_CODES.DICOM_META, `${path}: no dataset after the file meta group`, pos);
    const uid = (tag: number): string => {
      const v = meta!.elements.get(tag);
      const s = v ? uidValue(v) : '';
      if (!s) throw new DicomParseError(ERROR_CODES.DICOM_META, `${path}: file meta lacks (0002,${(tag & 0xffff).toString(16).padStart(4, '0')})`, 0);
      return s;
    };
    return { path, size, transferSyntax: meta.transferSyntax, sopClassUid: uid(0x00020002), sopInstanceUid: uid(0x00020003), datasetOffset: meta.datasetOffset };
  } finally {
    await fh.close();
  }
}
