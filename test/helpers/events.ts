// Records a DatasetReader's events as comparable strings (bulk values folded into a SHA-256 each),
// so parses of the same input fed in different chunk sizes can be compared exactly.
import { createHash, type Hash } from 'node:crypto';
import { DatasetReader, type DatasetHandler, type Element, type ReaderOptions } from '../../src/dicom/reader.js';

const t = (tag: number): string => tag.toString(16).padStart(8, '0');

export function recorder(): { handler: DatasetHandler; events: string[] } {
  const events: string[] = [];
  let hash: Hash | null = null;
  const head = (k: string, e: Element): string => `${k} ${t(e.tag)} ${e.vr} ${e.length} @${e.offset} d${e.depth}`;
  const handler: DatasetHandler = {
    element: (e, v) => events.push(`${head('el', e)} ${createHash('sha256').update(v).digest('hex').slice(0, 16)}`),
    bulkStart: (e) => { hash = createHash('sha256'); events.push(head('bulk', e)); },
    bulkData: (_e, c) => { hash!.update(c); },
    bulkEnd: (e) => events.push(`/bulk ${t(e.tag)} ${hash!.digest('hex').slice(0, 16)}`),
    sequenceStart: (e) => events.push(head('seq', e)),
    sequenceEnd: (e) => events.push(`/seq ${t(e.tag)}`),
    itemStart: (e) => events.push(head('item', e)),
    itemEnd: (e) => events.push(`/item @${e.offset}`),
    encapsulatedStart: (e) => events.push(head('encap', e)),
    encapsulatedEnd: (e) => events.push(`/encap ${t(e.tag)}`),
    fragmentStart: (e, i) => { hash = createHash('sha256'); events.push(`${head('frag', e)} #${i}`); },
    fragmentData: (_e, c) => { hash!.update(c); },
    fragmentEnd: (_e, i) => events.push(`/frag #${i} ${hash!.digest('hex').slice(0, 16)}`),
    metaEnd: (m) => events.push(`meta ${m.transferSyntax} ${m.datasetOffset} ${m.elements.size}`),
  };
  return { handler, events };
}

/**
 * Parses `buf` fed in chunks of `size` bytes (0: whole). Returns events and the error, if any. With
 * `reuse`, every chunk is written from one scratch Buffer that is overwritten (0xEE) right after each
 * write(), as a socket read buffer is (src/net/dul/read-buffer.ts).
 */
export async function parseChunked(buf: Buffer, size: number, opts?: ReaderOptions, reuse = false): Promise<{ events: string[]; error?: Error & { code?: string; offset?: number } }> {
  const { handler, events } = recorder();
  const r = new DatasetReader(handler, opts);
  const scratch = reuse ? Buffer.alloc(size || buf.length) : null;
  const write = (chunk: Buffer): void => {
    if (!scratch) return r.write(chunk);
    chunk.copy(scratch);
    r.write(scratch.subarray(0, chunk.length));
    scratch.fill(0xee);
  };
  try {
    if (size === 0) write(buf);
    else for (let i = 0; i < buf.length; i += size) write(buf.subarray(i, Math.min(buf.length, i + size)));
    await r.end();
    return { events };
  } catch (error) {
    return { events, error: error as Error };
  }
}
