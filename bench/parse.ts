// bench/parse: streaming-parse throughput of a large multi-frame file against a plain read of the
// same file, and native byte swapping against memcpy. Run: npm run bench:parse [-- --mb 500]
// Prints one JSON line per measurement and the ratios. Figures go to docs/benchmarks.md.
import { createReadStream, existsSync, mkdirSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatasetReader } from '../src/dicom/reader.js';
import { TransferSyntaxConverter } from '../src/dicom/convert.js';
import { fileMeta, element } from '../src/dicom/writer.js';
import { ENC_EXPLICIT_LE } from '../src/dicom/encoding.js';
import { swapBytes } from '../src/native/binding.js';

const args = process.argv.slice(2);
const mb = Number(args[args.indexOf('--mb') + 1] || 500);
const dir = path.resolve(process.env.PACSGATE_BENCH_DIR || 'var/bench');
const file = path.join(dir, `multiframe-${mb}mb.dcm`);
const CHUNK = 64 * 1024;

/** A CT-like multi-frame Explicit VR LE file: 512×512×16-bit frames, ~`mb` MB of pixel data. */
function generate(): void {
  if (existsSync(file)) return;
  mkdirSync(dir, { recursive: true });
  const frameBytes = 512 * 512 * 2;
  const frames = Math.ceil((mb * 1e6) / frameBytes);
  const E = ENC_EXPLICIT_LE;
  const us = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
  const str = (s: string): Buffer => Buffer.from(s.length % 2 ? s + ' ' : s, 'latin1');
  const head = Buffer.concat([
    fileMeta({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2.1', sopInstanceUid: '2.25.1', transferSyntax: '1.2.840.10008.1.2.1' }),
    element(0x00080016, 'UI', Buffer.from('1.2.840.10008.5.1.4.1.1.2.1\0'), E),
    element(0x00080018, 'UI', Buffer.from('2.25.1'), E),
    element(0x00080060, 'CS', str('CT'), E),
    element(0x00280002, 'US', us(1), E),
    element(0x00280004, 'CS', str('MONOCHROME2'), E),
    element(0x00280008, 'IS', str(String(frames)), E),
    element(0x00280010, 'US', us(512), E),
    element(0x00280011, 'US', us(512), E),
    element(0x00280100, 'US', us(16), E),
    element(0x00280101, 'US', us(12), E),
    element(0x00280102, 'US', us(11), E),
    element(0x00280103, 'US', us(0), E),
  ]);
  const pd = Buffer.alloc(12);
  pd.writeUInt16LE(0x7fe0, 0); pd.writeUInt16LE(0x0010, 2); pd.write('OW', 4, 'latin1'); pd.writeUInt32LE(frames * frameBytes, 8);
  const frame = Buffer.alloc(frameBytes);
  for (let i = 0; i < frameBytes / 2; i++) frame.writeUInt16LE((Math.sin(i / 3000) * 1500 + 2048 + (i % 7)) & 0xfff, i * 2);
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  writeSync(fd, pd);
  for (let f = 0; f < frames; f++) writeSync(fd, frame);
  closeSync(fd);
}

async function stream(onChunk: (c: Buffer) => void): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    createReadStream(file, { highWaterMark: CHUNK }).on('data', (c) => onChunk(c as Buffer)).on('end', resolve).on('error', reject);
  });
  return performance.now() - t0;
}

async function plainRead(): Promise<number> {
  let n = 0;
  return stream((c) => { n += c.length; });
}

async function parse(): Promise<number> {
  let elements = 0;
  const r = new DatasetReader({ element: () => { elements++; } });
  const ms = await stream((c) => r.write(c));
  await r.end();
  return ms;
}

async function convertToBe(): Promise<number> {
  let out = 0;
  const conv = new TransferSyntaxConverter(null, { targetTransferSyntax: '1.2.840.10008.1.2.2', write: (b) => { out += b.length; } });
  const r = new DatasetReader(conv);
  const ms = await stream((c) => r.write(c));
  await r.end();
  conv.flush();
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  generate();
  const size = statSync(file).size;
  const MBs = (ms: number): number => Math.round((size / 1e6 / (ms / 1000)) * 10) / 10;
  await plainRead(); // warm the page cache: both sides then read from memory
  const runs = { read: [] as number[], parse: [] as number[], convert: [] as number[] };
  for (let i = 0; i < 3; i++) {
    runs.read.push(await plainRead());
    runs.parse.push(await parse());
    runs.convert.push(await convertToBe());
  }
  const read = median(runs.read), p = median(runs.parse), c = median(runs.convert);
  console.log(JSON.stringify({ bench: 'parse', fileMB: Math.round(size / 1e6), chunk: CHUNK, readMBs: MBs(read), parseMBs: MBs(p), convertLeToBeMBs: MBs(c), parseVsRead: Math.round((read / p) * 100) / 100, convertVsRead: Math.round((read / c) * 100) / 100 }));

  // Byte swap (native, in place) against memcpy (Buffer.copy) over 64 MiB, 3 runs each, median.
  const buf = Buffer.alloc(64 * 1024 * 1024, 1);
  const dst = Buffer.alloc(buf.length);
  const time = (fn: () => void): number => { const ts: number[] = []; for (let i = 0; i < 5; i++) { const t = performance.now(); fn(); ts.push(performance.now() - t); } return median(ts); };
  const memcpy = time(() => buf.copy(dst));
  const res: Record<string, number> = { memcpyMBs: Math.round(buf.length / 1e6 / (memcpy / 1000)) };
  for (const w of [2, 4, 8] as const) {
    const ms = time(() => swapBytes(buf, w));
    res[`swap${w * 8}MBs`] = Math.round(buf.length / 1e6 / (ms / 1000));
    res[`swap${w * 8}VsMemcpy`] = Math.round((memcpy / ms) * 100) / 100;
  }
  console.log(JSON.stringify({ bench: 'byteswap', bytes: buf.length, ...res }));
}

void main();
