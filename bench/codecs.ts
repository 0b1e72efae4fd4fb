// Benchmark: our JPEG Lossless (SV1) and RLE codecs against DCMTK's command-line tools, in MB/s of
// uncompressed pixels, on a generated 100-frame 512x512 16-bit CT-like series and on RG2_JPLL.
// DCMTK's process start-up (dictionary load etc.) is subtracted by timing the same tool on a tiny
// one-frame file; its figure still includes reading and writing the files (page cache).
// Both sides are measured in CPU seconds (user + system: ours via process.cpuUsage over a sequential
// run, DCMTK's via bash `times` for the child), because the machine may be shared with other jobs;
// wall-clock figures are printed as well, including ours with every frame decoded in parallel.
// Usage: npm run bench:codecs   (bounded to well under 2 minutes; best of N runs for every figure)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFrame, decodeFrames, encodeFrame, framesFromFragments, CODEC_TRANSFER_SYNTAXES as TS, type FrameInfo } from '../src/codecs/index.js';
import { readPixelFile, type PixelFile } from '../test/native/helpers/dicom-file.js';
import { writeSecondaryCapture } from '../test/native/helpers/dicom-writer.js';
import { prng } from '../test/native/helpers/images.js';
import { TESTDATA } from '../test/native/helpers/paths.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsgate-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

// CT-like slice: body ellipse (~1040), organs, bone ring (~1800), air (0) outside; noise sigma ~12.
function ctFrame(rows: number, cols: number, z: number, rnd: () => number): Buffer {
  const out = Buffer.alloc(rows * cols * 2);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const dx = (x - cols / 2) / (cols * 0.42), dy = (y - rows / 2) / (rows * 0.34);
      const r = Math.hypot(dx, dy);
      let v = 0;
      if (r < 1) {
        v = 1040 + 60 * Math.sin(x / 37 + z / 9) * Math.cos(y / 41);
        if (r > 0.86 && r < 0.93) v = 1800 + 100 * Math.sin(x / 13);
        const ox = (x - cols * 0.38) / 60, oy = (y - rows * 0.5 - 10 * Math.sin(z / 20)) / 45;
        if (ox * ox + oy * oy < 1) v = 1090;
        const n = (rnd() + rnd() + rnd() - 1.5) * 24; // ~N(0, 12)
        v += n;
      } else {
        v = 24 + (rnd() - 0.5) * 20;
      }
      out.writeUInt16LE(Math.max(0, Math.min(65535, Math.round(v))), (y * cols + x) * 2);
    }
  }
  return out;
}

function infoOf(f: PixelFile): FrameInfo {
  return { rows: f.rows, columns: f.columns, samplesPerPixel: f.samplesPerPixel, bitsAllocated: f.bitsAllocated, bitsStored: f.bitsStored, pixelRepresentation: f.pixelRepresentation, planarConfiguration: 0 };
}

interface Timing { cpu: number; wall: number }

// Best of RUNS for CPU and wall time separately. bash `times` prints the children's user and system time.
function timeTool(tool: string, args: string[]): Timing {
  let cpu = Infinity;
  let wall = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1 || exit 9; times', 'bench', tool, ...args], { encoding: 'utf8' });
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${r.status}`);
    const child = r.stdout.trim().split('\n')[1] ?? '';
    const secs = [...child.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
    cpu = Math.min(cpu, secs.reduce((a, b) => a + b, 0));
  }
  return { cpu, wall };
}

async function timeOurs(fn: () => Promise<unknown>): Promise<Timing> {
  let cpu = Infinity;
  let wall = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { cpu, wall };
}

async function sequential<T>(items: T[], fn: (x: T) => Promise<unknown>): Promise<void> {
  for (const x of items) await fn(x);
}

interface Row { what: string; ours: Timing; oursParallel: Timing; dcmtk: Timing; mb: number }

async function benchSet(label: string, nativeFile: string, info: FrameInfo, frames: Buffer[], rows: Row[], ratios: string[]): Promise<void> {
  const mb = (frames.length * frames[0].length) / 1e6;
  const tinyInfo = { ...info, rows: 8, columns: 8 };
  const tinyNative = path.join(tmp, `${label}-tiny.dcm`);
  writeSecondaryCapture(tinyNative, { info: tinyInfo, numberOfFrames: 1, transferSyntax: EXPLICIT_LE, pixels: Buffer.alloc(8 * 8 * (info.bitsAllocated / 8)) });
  const out = (n: string) => path.join(tmp, `${label}-${n}.dcm`);
  // DCMTK-compressed versions of the input (they are also what our decoders are timed on).
  spawnSync('dcmcjpeg', ['+e1', nativeFile, out('jpll')]);
  spawnSync('dcmcrle', [nativeFile, out('rle')]);
  spawnSync('dcmcjpeg', ['+e1', tinyNative, out('tiny-jpll')]);
  spawnSync('dcmcrle', [tinyNative, out('tiny-rle')]);
  const dcmtk = (tool: string, opts: string[], input: string, tiny: string): Timing => {
    const full = timeTool(tool, [...opts, input, out('out')]);
    const startup = timeTool(tool, [...opts, tiny, out('tiny-out')]);
    return { cpu: Math.max(1e-6, full.cpu - startup.cpu), wall: Math.max(1e-6, full.wall - startup.wall) };
  };

  for (const [ts, file, tool] of [[TS.JPEG_LOSSLESS_SV1, out('jpll'), 'dcmdjpeg'], [TS.RLE_LOSSLESS, out('rle'), 'dcmdrle']] as const) {
    const f = readPixelFile(file);
    const enc = framesFromFragments(f.fragments ?? [], f.numberOfFrames, f.basicOffsetTable);
    // One frame at a time into one Pixel Data buffer (as the transcoder does; DCMTK also fills one).
    const seq = await timeOurs(() => {
      const size = frames[0].length;
      const all = Buffer.allocUnsafeSlow(size * enc.length);
      let k = 0;
      return sequential(enc, (fr) => decodeFrame(ts, fr, info, { target: all.subarray(size * k, size * ++k) }));
    });
    const par = await timeOurs(() => decodeFrames(ts, enc, info));
    const tiny = tool === 'dcmdjpeg' ? out('tiny-jpll') : out('tiny-rle');
    rows.push({ what: `${label}: ${tool === 'dcmdjpeg' ? 'JPEG Lossless SV1' : 'RLE'} decode`, ours: seq, oursParallel: par, dcmtk: dcmtk(tool, [], file, tiny), mb });
  }
  for (const [ts, tool, opts] of [[TS.JPEG_LOSSLESS_SV1, 'dcmcjpeg', ['+e1']], [TS.RLE_LOSSLESS, 'dcmcrle', []]] as const) {
    let sizes = 0;
    const seq = await timeOurs(async () => {
      sizes = 0;
      await sequential(frames, async (fr) => { sizes += (await encodeFrame(ts, fr, info)).length; });
    });
    const par = await timeOurs(() => Promise.all(frames.map((fr) => encodeFrame(ts, fr, info))));
    rows.push({ what: `${label}: ${tool === 'dcmcjpeg' ? 'JPEG Lossless SV1' : 'RLE'} encode`, ours: seq, oursParallel: par, dcmtk: dcmtk(tool, [...opts], nativeFile, tinyNative), mb });
    const theirs = readPixelFile(tool === 'dcmcjpeg' ? out('jpll') : out('rle')).fragments ?? [];
    const theirSize = theirs.reduce((a, b) => a + b.length, 0);
    const total = frames.length * frames[0].length;
    ratios.push(`| ${label} | ${tool === 'dcmcjpeg' ? 'JPEG SV1' : 'RLE'} | ${(total / sizes).toFixed(3)} | ${(total / theirSize).toFixed(3)} | ${(((theirSize - sizes) / theirSize) * 100).toFixed(2)} % |`);
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const ratios: string[] = [];
  // 1. Generated CT-like series.
  const ctInfo: FrameInfo = { rows: 512, columns: 512, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, planarConfiguration: 0 };
  const rnd = prng(2026);
  const ct = Array.from({ length: 100 }, (_, z) => ctFrame(512, 512, z, rnd));
  const ctFile = path.join(tmp, 'ct.dcm');
  writeSecondaryCapture(ctFile, { info: ctInfo, numberOfFrames: ct.length, transferSyntax: EXPLICIT_LE, pixels: Buffer.concat(ct) });
  await benchSet('CT 100x512x512x16', ctFile, ctInfo, ct, rows, ratios);
  // 2. RG2_JPLL (real 10-bit radiograph): decoded to native once, then 10 copies as a 10-frame file, so
  //    DCMTK's run time is long enough for its start-up subtraction to be meaningful.
  const rg2 = readPixelFile(path.join(TESTDATA, 'pylibjpeg-data', 'ds', 'JPEGLosslessSV1', 'RG2_JPLL.dcm'));
  const rgInfo = infoOf(rg2);
  const rgPixels = await decodeFrame(TS.JPEG_LOSSLESS_SV1, rg2.fragments ?? [], rgInfo);
  const rgFile = path.join(tmp, 'rg2.dcm');
  const rgFrames = Array.from({ length: 10 }, () => rgPixels);
  writeSecondaryCapture(rgFile, { info: rgInfo, numberOfFrames: rgFrames.length, transferSyntax: EXPLICIT_LE, pixels: Buffer.concat(rgFrames) });
  await benchSet('RG2_JPLL 10x2140x1760x10', rgFile, rgInfo, rgFrames, rows, ratios);

  console.log(`host: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, best of ${RUNS}, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}\n`);
  console.log('| data: operation | ours CPU (MB/s) | DCMTK CPU (MB/s) | ours / DCMTK (CPU) | ours wall, 1 frame at a time | ours wall, frames in parallel | DCMTK wall |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const f = (mb: number, s: number) => (mb / s).toFixed(1);
  for (const r of rows) {
    console.log(`| ${r.what} | ${f(r.mb, r.ours.cpu)} | ${f(r.mb, r.dcmtk.cpu)} | ${(r.dcmtk.cpu / r.ours.cpu).toFixed(2)}x | ${f(r.mb, r.ours.wall)} | ${f(r.mb, r.oursParallel.wall)} | ${f(r.mb, r.dcmtk.wall)} |`);
  }
  console.log('\n| data | codec | ratio ours | ratio DCMTK | ours smaller by |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const r of ratios) console.log(r);
}

await main();
