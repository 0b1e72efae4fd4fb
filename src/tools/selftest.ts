// Tool: `pacsgate selftest` — proves on the target machine (e.g. arm64 under the .deb) that the native
// addon loads and computes correctly. Uses the binding only; must not open the spool or the network.
import { crc32c, crc32cImplementation, swapBytes } from '../native/binding.js';
import { VERSION } from '../version.js';
import { decodeFrame, encodeFrame } from '../codecs/index.js';

export interface SelfTestCheck {
  name: string;
  /** Throws (or rejects with) an Error describing the mismatch on failure. */
  run(): void | Promise<void>;
}

function pattern(length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** Swaps with the addon, compares with a JS reference, swaps back and compares with the input. */
function byteSwapRoundTrip(wordSize: 2 | 4 | 8): SelfTestCheck {
  return {
    name: `byteswap-${wordSize * 8}`,
    run() {
      // Odd multiple of the word size so the addon's tail handling is exercised too.
      const original = pattern(wordSize * 1027);
      const buf = original.slice();
      swapBytes(buf, wordSize);
      for (let i = 0; i < buf.length; i++) {
        const w = i - (i % wordSize);
        const expected = original[w + wordSize - 1 - (i % wordSize)];
        if (buf[i] !== expected) throw new Error(`byte ${i}: expected ${expected}, found ${buf[i]}`);
      }
      swapBytes(buf, wordSize);
      if (Buffer.compare(buf, original) !== 0) throw new Error('second swap did not restore the input');
    },
  };
}

/**
 * The spool's CRC-32C (RFC 3720 §B.4) through the path this CPU takes (SSE 4.2, ARMv8 CRC32 or the
 * table): the check value, then agreement with the table version at every alignment and tail length.
 */
function crc32cCheck(): SelfTestCheck {
  return {
    name: `crc32c-${crc32cImplementation()}`,
    run() {
      const check = crc32c(Buffer.from('123456789'));
      if (check !== 0xe3069283) throw new Error(`check value: expected e3069283, found ${check.toString(16)}`);
      const data = pattern(4099);
      for (let off = 0; off < 8; off++) {
        for (const len of [0, 1, 7, 8, 9, 63, 4096]) {
          const view = data.subarray(off, off + len);
          const fast = crc32c(view);
          const table = crc32c(view, 0, true);
          if (fast !== table) throw new Error(`offset ${off} length ${len}: ${fast.toString(16)} != table ${table.toString(16)}`);
        }
      }
    },
  };
}

/** Encodes a 16-bit frame with a codec, decodes it, and compares (PS3.5 Annex G; ITU-T T.81 process 14). */
function codecRoundTrip(name: string, ts: string): SelfTestCheck {
  return {
    name,
    async run() {
      const info = { rows: 61, columns: 67, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0 as const, planarConfiguration: 0 as const };
      const pixels = Buffer.alloc(info.rows * info.columns * 2);
      for (let i = 0; i < pixels.length / 2; i++) pixels.writeUInt16LE((Math.round(2048 + 1500 * Math.sin(i / 97)) + (i % 5)) & 0xfff, i * 2);
      const encoded = await encodeFrame(ts, pixels, info);
      if (encoded.length >= pixels.length) throw new Error(`no compression: ${encoded.length} >= ${pixels.length} bytes`);
      const decoded = await decodeFrame(ts, encoded, info);
      if (Buffer.compare(decoded, pixels) !== 0) throw new Error('decoded frame differs from the original');
    },
  };
}

/** The checks run by `pacsgate selftest`. */
export const CHECKS: readonly SelfTestCheck[] = [
  byteSwapRoundTrip(2), byteSwapRoundTrip(4), byteSwapRoundTrip(8),
  crc32cCheck(),
  codecRoundTrip('rle-round-trip', '1.2.840.10008.1.2.5'),
  codecRoundTrip('jpeg-lossless-round-trip', '1.2.840.10008.1.2.4.70'),
];

/** Runs every check, prints one line each, returns the process exit code (0 when all passed). */
export async function runSelfTest(write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<number> {
  write(`pacsgate ${VERSION} selftest: node ${process.version} ${process.platform}-${process.arch}`);
  let failed = 0;
  for (const check of CHECKS) {
    try {
      await check.run();
      write(`ok ${check.name}`);
    } catch (err) {
      failed++;
      write(`FAIL ${check.name}: ${(err as Error).message}`);
    }
  }
  write(failed === 0 ? `selftest passed (${CHECKS.length} checks)` : `selftest FAILED (${failed} of ${CHECKS.length})`);
  return failed === 0 ? 0 : 1;
}
