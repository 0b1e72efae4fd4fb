// System layer: keeps the daemon's memory flat while it moves bulk data through fresh Buffers: the
// forward side's chunks past a lease's own (src/spool/chunk-pool.ts), and received socket reads where
// the reused read buffer is unavailable (src/net/dul/read-buffer.ts; Node's own reads are a fresh
// 64 KiB Buffer each). V8 only collects such Buffers when its external-memory allowance (~64 MiB)
// fills, so at hundreds of MB/s up to that much garbage sits in RSS. A young-generation GC (a
// scavenge, well under a millisecond here) after every RECLAIM_BYTES frees them promptly. What V8
// frees goes back to glibc's heap arenas, which keep it: every TRIM_EVERY scavenges, malloc_trim
// returns it to the kernel (native/napi/malloc_tune.cc). tuneMalloc fixes glibc's heap thresholds
// once at start (MALLOC_TRIM_THRESHOLD says why). Imports nothing above the native binding.
import v8 from 'node:v8';
import vm from 'node:vm';
import { mallocTrim, mallocTune } from '../native/binding.js';

/** Bytes between two scavenges where every read or chunk is a fresh Buffer: bounds that garbage. */
export const RECLAIM_BYTES = 2 * 1024 * 1024;

/**
 * Received bytes between two scavenges for an association reading into its reused buffer: only the
 * per-PDU JavaScript objects are garbage then. With no forced scavenge at all a 2 GiB receive peaked
 * at 97.5 MiB (daemon-big VmHWM; 78.4–78.9 MiB with this interval); every 2 MiB costs a scavenge per
 * four 512 KiB instances.
 */
export const RECLAIM_RECEIVED_BYTES = 8 * 1024 * 1024;

/** Scavenges between two malloc_trim calls (every 16 MiB with RECLAIM_BYTES = 2 MiB). */
export const TRIM_EVERY = 8;

/**
 * glibc's mmap threshold, fixed (mallopt; native/napi/malloc_tune.cc): just above LMDB's dirty
 * overflow pages for a 256 KiB chunk (65 pages, 260 KiB) and the 256 KiB buffers, so those come from
 * the heap; larger blocks are mapped and go back to the kernel when freed.
 */
export const MALLOC_MMAP_THRESHOLD = 288 * 1024;
/**
 * glibc's trim threshold, fixed: free memory at the top of a heap is kept up to this much rather than
 * given back after every LMDB commit and faulted in again by the next. Measured on 1000 × 512 KiB
 * received (minor faults of the daemon): one association 40 000 → 5 500; four associations 11 000–15 000,
 * or 90 000–120 000 in about a third of the runs, → 9 000–10 000 in every run. 1–2 MiB still let
 * those bad runs happen. The cost is resident memory: the 2 GiB tests peak 4–9 MiB higher (80–84
 * MiB against 75–79 MiB; 83.5–84.5 MiB with 8 MiB).
 * TRIM_EVERY's malloc_trim still returns all of it.
 */
export const MALLOC_TRIM_THRESHOLD = 4 * 1024 * 1024;

/** Applies MALLOC_MMAP_THRESHOLD and MALLOC_TRIM_THRESHOLD once per process; false where it cannot. */
export function tuneMalloc(): boolean {
  tuned ??= mallocTune(MALLOC_MMAP_THRESHOLD, MALLOC_TRIM_THRESHOLD);
  return tuned;
}
let tuned: boolean | undefined;

type GcFunction = (options?: { type?: 'minor' | 'major' }) => void;

/**
 * The engine's gc(), without a command-line flag: setting --expose-gc at run time installs `gc` in
 * contexts created afterwards (Node's v8.setFlagsFromString documentation shows the pattern).
 * Returns null when the engine does not provide it; callers then simply do not reclaim early.
 */
function engineGc(): GcFunction | null {
  if (cachedGc !== undefined) return cachedGc;
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
  cachedGc = typeof gc === 'function' ? (gc as GcFunction) : null;
  return cachedGc;
}
let cachedGc: GcFunction | null | undefined;

/** Counts received bytes and runs a scavenge after every `every` bytes. */
export class Reclaimer {
  private count = 0;
  private readonly gc: GcFunction | null;
  scavenges = 0;
  /** malloc_trim calls made; `trimmed` of them released memory. */
  trims = 0;
  trimmed = 0;

  constructor(private readonly every = RECLAIM_BYTES) {
    this.gc = engineGc();
  }

  add(bytes: number): void {
    this.count += bytes;
    if (this.count < this.every || !this.gc) return;
    this.count = 0;
    this.scavenges++;
    this.gc({ type: 'minor' });
    // The backing stores of this scavenge may still be being freed on a background thread: this trim
    // returns what earlier scavenges freed, the next one what this one did.
    if (this.scavenges % TRIM_EVERY !== 0) return;
    this.trims++;
    if (mallocTrim()) this.trimmed++;
  }
}
