// System layer: keeps the daemon's memory flat during bulk receive. Every socket read is a fresh
// 64 KiB Buffer; V8 only collects them when its external-memory allowance (~64 MiB) fills, so at
// hundreds of MB/s up to that much garbage sits in RSS. A young-generation GC (a scavenge, well under
// a millisecond here) after every RECLAIM_BYTES received frees them promptly. Imports nothing above.
import v8 from 'node:v8';
import vm from 'node:vm';
import { setMmapThreshold } from '../native/binding.js';

/** Blocks at least this large are mmapped and unmapped on free (glibc's static default). */
export const MMAP_THRESHOLD = 128 * 1024;

/**
 * Keeps freed chunk buffers (256 KiB) from piling up in glibc's heap arenas: fixes the mmap threshold
 * that glibc would otherwise raise after the first large frees (native/napi/malloc_tune.cc). Returns
 * whether the C library took the setting.
 */
export function boundMallocCaches(): boolean {
  return setMmapThreshold(MMAP_THRESHOLD);
}

/** Received bytes between two scavenges: bounds socket-buffer garbage to about this much. */
export const RECLAIM_BYTES = 2 * 1024 * 1024;

type GcFunction = (options?: { type?: 'minor' | 'major' }) => void;

/**
 * The engine's gc(), without a command-line flag: setting --expose-gc at run time installs `gc` in
 * contexts created afterwards (Node's v8.setFlagsFromString documentation shows the pattern).
 * Returns null when the engine does not provide it; callers then simply do not reclaim early.
 */
function engineGc(): GcFunction | null {
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
  return typeof gc === 'function' ? (gc as GcFunction) : null;
}

/** Counts received bytes and runs a scavenge after every `every` bytes. */
export class Reclaimer {
  private count = 0;
  private readonly gc: GcFunction | null;
  scavenges = 0;

  constructor(private readonly every = RECLAIM_BYTES) {
    this.gc = engineGc();
  }

  add(bytes: number): void {
    this.count += bytes;
    if (this.count < this.every || !this.gc) return;
    this.count = 0;
    this.scavenges++;
    this.gc({ type: 'minor' });
  }
}
