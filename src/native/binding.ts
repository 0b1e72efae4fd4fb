// The addon's TS face: loads build/Release/pacsgate.node once and checks every argument before it
// crosses into C++ (STYLE.md "check at the edge"). Other layers import this module, never the .node.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { GatewayError, ERROR_CODES, describe } from '../errors.js';

interface NativeAddon {
  swapBytes(buf: Uint8Array, wordSize: number): void;
  sdNotify(socketPath: string, message: string): number;
  dropMappedPages(path: string): number;
  mallocTrim?(): boolean;
  mallocTune?(mmapThreshold: number, trimThreshold: number): boolean;
  crc32c(bytes: Uint8Array, crc: number, portable?: boolean): number;
  crc32cImplementation(): string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// dist/src/native → project root is three levels up.
const root = path.resolve(here, '..', '..', '..');

function load(): NativeAddon {
  const require = createRequire(import.meta.url);
  const candidates = [
    process.env.PACSGATE_ADDON,
    path.join(root, 'build', 'Release', 'pacsgate.node'),
    path.join(root, 'build', 'Debug', 'pacsgate.node'),
  ].filter((p): p is string => !!p);
  let lastErr: unknown;
  for (const p of candidates) {
    try {
      return require(p) as NativeAddon;
    } catch (err) {
      lastErr = err;
    }
  }
  throw new GatewayError(ERROR_CODES.NATIVE, `native addon not found (run npm run build:native): ${String(lastErr)}`);
}

export const addon: NativeAddon = load();

/**
 * Reverses the byte order of every `wordSize`-byte word of `buf`, in place.
 * @throws GW_ERR_ARGUMENT when wordSize is not 2, 4 or 8 or the length is not a multiple of it.
 */
export function swapBytes(buf: Uint8Array, wordSize: 2 | 4 | 8): void {
  if (!(buf instanceof Uint8Array)) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `swapBytes buf: expected a Uint8Array, found ${describe(buf)}`);
  }
  if (wordSize !== 2 && wordSize !== 4 && wordSize !== 8) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `swapBytes wordSize: expected 2, 4 or 8, found ${describe(wordSize)}`);
  }
  if (buf.byteLength % wordSize !== 0) {
    throw new GatewayError(
      ERROR_CODES.ARGUMENT,
      `swapBytes buf: expected a length that is a multiple of ${wordSize}, found ${buf.byteLength}`,
    );
  }
  addon.swapBytes(buf, wordSize);
}

/**
 * Sends one sd_notify(3) datagram. Returns 0 or an errno value; never throws for I/O errors.
 * @throws GW_ERR_ARGUMENT for a path that is neither absolute nor abstract ('@').
 */
export function sdNotify(socketPath: string, message: string): number {
  if (typeof socketPath !== 'string' || !(socketPath.startsWith('/') || socketPath.startsWith('@'))) {
    throw new GatewayError(
      ERROR_CODES.ARGUMENT,
      `sdNotify socketPath: expected an absolute path or an @abstract name, found ${describe(socketPath)}`,
    );
  }
  return addon.sdNotify(socketPath, String(message));
}

/**
 * Drops this process's page-table entries for every shared mapping of the file `filePath` (madvise
 * MADV_DONTNEED); the data stays in the page cache. Returns the bytes advised, or −errno.
 * @throws GW_ERR_ARGUMENT for a path that is not absolute.
 */
export function dropMappedPages(filePath: string): number {
  if (typeof filePath !== 'string' || !filePath.startsWith('/')) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `dropMappedPages filePath: expected an absolute path, found ${describe(filePath)}`);
  }
  // An addon built before this function existed (test.sh rebuilds only when absent): report ENOSYS.
  if (typeof addon.dropMappedPages !== 'function') return -38;
  return addon.dropMappedPages(filePath);
}

/**
 * Returns the C library's free heap pages to the kernel (glibc malloc_trim(0); native/napi/malloc_tune.cc).
 * False when nothing was released, the C library has no malloc_trim, or the addon predates it.
 */
export function mallocTrim(): boolean {
  return typeof addon.mallocTrim === 'function' ? addon.mallocTrim() : false;
}

/**
 * Fixes glibc's mmap and trim thresholds (mallopt; native/napi/malloc_tune.cc says why). False without
 * glibc, when glibc refused a value, or when the addon predates it.
 * @throws GatewayError GW_ERR_ARGUMENT unless both are integers in 1 .. 2^31 − 1.
 */
export function mallocTune(mmapThreshold: number, trimThreshold: number): boolean {
  for (const [name, v] of [['mmapThreshold', mmapThreshold], ['trimThreshold', trimThreshold]] as const) {
    if (!Number.isSafeInteger(v) || v < 1 || v > 0x7fffffff) {
      throw new GatewayError(ERROR_CODES.ARGUMENT, `mallocTune: ${name} must be an integer in 1 .. 2^31-1, got ${describe(v)}`);
    }
  }
  return typeof addon.mallocTune === 'function' ? addon.mallocTune(mmapThreshold, trimThreshold) : false;
}

/**
 * Continues a CRC-32C (Castagnoli, RFC 3720 §B.4; native/digest/crc32c.h) over `bytes`: pass 0 to
 * start, then the previous result. Hardware instructions where the CPU has them (~60 µs per 512 KiB
 * with SSE 4.2, against ~340 µs for SHA-256 with SHA-NI and several ms on a Raspberry Pi 4, which has
 * no SHA extensions). `portable` forces the table version (tests).
 * @throws GW_ERR_ARGUMENT for bytes that are not a Uint8Array or a crc outside 0…2³²−1.
 */
export function crc32c(bytes: Uint8Array, crc = 0, portable = false): number {
  if (!(bytes instanceof Uint8Array)) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `crc32c bytes: expected a Uint8Array, found ${describe(bytes)}`);
  }
  if (!Number.isInteger(crc) || crc < 0 || crc > 0xffffffff) {
    throw new GatewayError(ERROR_CODES.ARGUMENT, `crc32c crc: expected an integer from 0 to 2^32-1, found ${describe(crc)}`);
  }
  return addon.crc32c(bytes, crc, portable);
}

/** Which CRC-32C path this CPU takes: 'sse4.2', 'armv8-crc32' or 'portable' (logged at start). */
export function crc32cImplementation(): string {
  return addon.crc32cImplementation();
}
