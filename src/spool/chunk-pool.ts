// Spool layer: reusable chunk-sized buffers. lmdb-js keeps a pointer to a value Buffer until its
// transaction commits (no copy), so a buffer comes back here only after its put resolved. Reusing them
// keeps memory flat instead of waiting for V8 to collect external memory. Readers borrow the same way
// through a ChunkLease (forwarding: Spool.readDataset). No LMDB calls here.

export class ChunkPool {
  readonly chunkSize: number;
  private readonly free: Buffer[] = [];
  private readonly keep: number;

  constructor(chunkSize: number, keep: number) {
    this.chunkSize = chunkSize;
    this.keep = keep;
  }

  acquire(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.chunkSize);
  }

  /** Only buffers of this pool's size are kept, at most `keep` of them. */
  release(buf: Buffer): void {
    if (buf.byteLength === this.chunkSize && buf.byteOffset === 0 && this.free.length < this.keep) {
      this.free.push(buf);
    }
  }
}

/**
 * Pooled buffers lent to one reader of an instance (Spool.readDataset), given back all at once when the
 * reader is certain nothing references them any more (forwarding: the C-STORE completed, every byte
 * was handed to the kernel). At most `max` buffers are lent. Beyond that, take() reuses the lent buffer
 * used longest ago once the consumer has said (release) that every byte it held is with the kernel;
 * otherwise it allocates a buffer the lease forgets. So a 2 GiB instance never pins 2 GiB, and one
 * forwarded through a socket that keeps up leaves no garbage either. Not giving back is always safe
 * (the GC frees them); giving back or releasing too early is the bug to avoid, so on any doubt call
 * drop().
 */
export class ChunkLease {
  private readonly lent: Buffer[] = [];
  /** Per lent buffer: the byte offset, in take() order, just past its current use. */
  private readonly ends: number[] = [];
  /** The lent buffer used longest ago, once all `max` are lent. */
  private oldest = 0;
  private taken = 0;
  private releasedBytes = 0;
  /** Lent buffers taken again after their bytes were released (tests read it). */
  reused = 0;

  constructor(private readonly pool: ChunkPool, private readonly max: number) {}

  /**
   * A buffer of `size` bytes for the next `size` bytes of the stream: a pooled one while the lease has
   * room and `size` fits a pool chunk, a released one after that, else a new one.
   */
  take(size: number): Buffer {
    const end = (this.taken += size);
    if (size > this.pool.chunkSize) return Buffer.allocUnsafeSlow(size);
    let buf: Buffer;
    if (this.lent.length < this.max) {
      buf = this.pool.acquire();
      this.lent.push(buf);
      this.ends.push(end);
    } else if (this.max > 0 && this.ends[this.oldest] <= this.releasedBytes) {
      buf = this.lent[this.oldest];
      this.ends[this.oldest] = end;
      this.oldest = (this.oldest + 1) % this.max;
      this.reused++;
    } else {
      return Buffer.allocUnsafeSlow(size);
    }
    return size === buf.length ? buf : buf.subarray(0, size);
  }

  /**
   * The consumer no longer references the first `bytes` bytes of what take() was asked for (counted
   * from this lease's first take): their buffers may be taken again.
   */
  release(bytes: number): void {
    if (bytes > this.releasedBytes) this.releasedBytes = bytes;
  }

  /** Whether `view` lies in one of the pooled buffers lent (so it is not new garbage). */
  holds(view: Uint8Array): boolean {
    return this.lent.some((b) => b.buffer === view.buffer);
  }

  /** Every buffer lent is unreferenced now: back to the pool. */
  giveBack(): void {
    for (const b of this.lent) this.pool.release(b);
    this.forget();
  }

  /** The buffers may still be referenced (a failed send): forget them and let the GC free them. */
  drop(): void {
    this.forget();
  }

  private forget(): void {
    this.lent.length = 0;
    this.ends.length = 0;
    this.oldest = 0;
    this.taken = 0;
    this.releasedBytes = 0;
  }
}
