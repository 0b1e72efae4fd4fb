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
 * was handed to the kernel). At most `max` buffers are tracked; beyond that take() allocates buffers
 * the lease forgets, so a 2 GiB instance never pins 2 GiB. Not giving back is always safe (the GC
 * frees them); giving back too early is the bug to avoid, so on any doubt call drop().
 */
export class ChunkLease {
  private readonly lent: Buffer[] = [];

  constructor(private readonly pool: ChunkPool, private readonly max: number) {}

  /** A buffer of `size` bytes: a pooled one while the lease has room and `size` fits a pool chunk. */
  take(size: number): Buffer {
    if (size > this.pool.chunkSize || this.lent.length >= this.max) return Buffer.allocUnsafeSlow(size);
    const buf = this.pool.acquire();
    this.lent.push(buf);
    return size === buf.length ? buf : buf.subarray(0, size);
  }

  /** Whether `view` lies in one of the pooled buffers lent (so it is not new garbage). */
  holds(view: Uint8Array): boolean {
    return this.lent.some((b) => b.buffer === view.buffer);
  }

  /** Every buffer lent is unreferenced now: back to the pool. */
  giveBack(): void {
    for (const b of this.lent) this.pool.release(b);
    this.lent.length = 0;
  }

  /** The buffers may still be referenced (a failed send): forget them and let the GC free them. */
  drop(): void {
    this.lent.length = 0;
  }
}
