// bench/parse: streaming-parse throughput of a large multi-frame file against a plain read of the
// same file, and native byte swapping against memcpy. Run: npm run bench:parse [-- --mb 500]
// Prints one JSON line per measurement and the ratios. Figures go to docs/benchmarks.md.
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatasetReader } from '../src/dicom/reader.js';
import { TransferSyntaxConverter } from '../src/dicom/convert.js';
import { writeMultiframe } from '../test/helpers/ct-study.js';
import { swapBytes } from '../src/native/binding.js';

const args = process.argv.slice(2);
const mb = Number(args[args.indexOf('--mb') + 1] || 500);
const dir = path.resolve(process.env.PACSGATE_BENCH_DIR || 'var/bench');
const file = path.join(dir, `multiframe-${mb}mb.dcm`);
const CHUNK = 64 * 1024;

/** A multi-frame Explicit VR LE file of 512×512×16-bit frames, ~`mb` MB of pixel data (cached). */
async function generate(): Promise<void> {
  if (existsSync(file)) return;
  mkdirSync(dir, { recursive: true });
  await writeMultiframe(file, Math.ceil((mb * 1e6) / (512 * 512 * 2)));
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
  await generate();
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
