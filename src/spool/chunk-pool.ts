// Spool layer: reusable chunk-sized buffers. lmdb-js keeps a pointer to a value Buffer until its
// transaction commits (no copy), so a buffer comes back here only after its put resolved. Reusing them
// keeps memory flat instead of waiting for V8 to collect external memory. No LMDB calls here.

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
