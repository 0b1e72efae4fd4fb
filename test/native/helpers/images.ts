// Test-only helper: deterministic synthetic images (smooth gradient + noise), in the native layout.
import type { FrameInfo } from '../../../src/codecs/index.js';

// Small deterministic PRNG (mulberry32), so failures reproduce.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One frame of `info` (planar configuration honoured): a smooth field plus noise over the full range
 * of BitsStored, signed values sign-extended to BitsAllocated, with a few extreme values so wrap-around
 * of the modulo-2^16 differences is exercised.
 */
export function syntheticFrame(info: FrameInfo, seed: number, noise = 0.02): Buffer {
  const rnd = prng(seed);
  const { rows, columns, samplesPerPixel: spp, bitsAllocated: ba, bitsStored: bs } = info;
  const bytes = ba / 8;
  const out = Buffer.alloc(rows * columns * spp * bytes);
  const lo = info.pixelRepresentation ? -(2 ** (bs - 1)) : 0;
  const hi = info.pixelRepresentation ? 2 ** (bs - 1) - 1 : 2 ** bs - 1;
  const span = hi - lo;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      for (let c = 0; c < spp; c++) {
        const smooth = 0.5 + 0.45 * Math.sin((x + 3 * c) / 7 + seed) * Math.cos(y / 5 - c);
        let v = Math.round(lo + span * (smooth + noise * (rnd() - 0.5)));
        const r = rnd();
        if (r < 0.01) v = lo;
        else if (r < 0.02) v = hi;
        v = Math.min(hi, Math.max(lo, v));
        const idx = info.planarConfiguration === 0 ? (y * columns + x) * spp + c : c * rows * columns + y * columns + x;
        if (bytes === 1) out.writeUInt8(v & 0xff, idx);
        else out.writeUInt16LE(v & 0xffff, idx * 2);
      }
    }
  }
  return out;
}
