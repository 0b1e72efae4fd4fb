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
 * `sopClassUid` / `sopInstanceUid` are '' when the meta group lacks (0002,0002) / (0002,0003).
 * @throws DicomParseError GW_ERR_DICOM_META when the file has no dataset after its meta group, and the
 *   reader's codes for a malformed head.
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
    // Some real files lack the Media Storage SOP UIDs: '' then, and callers that need them decide.
    const uid = (tag: number): string => {
      const v = meta!.elements.get(tag);
      return v ? uidValue(v) : '';
    };
    return { path, size, transferSyntax: meta.transferSyntax, sopClassUid: uid(0x00020002), sopInstanceUid: uid(0x00020003), datasetOffset: meta.datasetOffset };
  } finally {
    await fh.close();
  }
}
