// Spool layer: keeps the LMDB pages this process maps out of its resident set. lmdb-js reads values
// through a shared read-only map, and LMDB maps the pages of every value it removes too (~220 KiB of a
// 256 KiB chunk measured); those pages count in RSS (RssFile) until unmapped. The bytes read, written or
// removed are counted here and our mapping of data.mdb is dropped every DROP_MAPPED_EVERY of them: the
// pages stay in the page cache (docs/spool.md "Memory"). The drop runs on a libuv pool thread, off the
// event loop; the spool awaits `close()` here before it closes the environment (the drop works on the
// ranges it found mapped).
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { dropMappedPages, dropMappedPagesAsync } from '../native/binding.js';
import type { Logger } from '../log.js';

/** Mapped pages are dropped after every this many bytes read or removed, across instances. */
export const DROP_MAPPED_EVERY = 4 * 1024 * 1024;

export class MappedPages {
  /** Bytes through the map since the last drop began. */
  private since = 0;
  /** Real path of the data file (as /proc/self/maps names it), resolved on first use. */
  private dataFile: string | undefined;
  /** The drop running on the pool, if any: one at a time; bytes counted meanwhile wait for the next. */
  private running: Promise<void> | undefined;
  /** Set by `close()`: no drop starts any more. */
  private closed = false;

  constructor(private readonly dir: string, private readonly log: Logger) {}

  add(bytes: number): void {
    this.since += bytes;
    if (this.since < DROP_MAPPED_EVERY || this.closed) return;
    this.dataFile ??= realpathSync(path.join(this.dir, 'data.mdb'));
    if (this.running) {
      // Code that reads or removes without giving the event loop a turn (verify, recovery, a tight
      // loop) never sees the running drop end: drop here once twice the interval has piled up.
      if (this.since < 2 * DROP_MAPPED_EVERY) return;
      this.since = 0;
      const r = dropMappedPages(this.dataFile);
      if (r < 0) this.log.debug({ errno: -r }, 'dropping mapped spool pages failed');
      return;
    }
    this.since = 0;
    this.running = dropMappedPagesAsync(this.dataFile).then(
      (r) => {
        if (r < 0) this.log.debug({ errno: -r }, 'dropping mapped spool pages failed');
      },
      (err: unknown) => this.log.debug({ err }, 'dropping mapped spool pages failed'),
    ).finally(() => {
      this.running = undefined;
    });
  }

  /** Starts no more drops and resolves once none is running: await it before the environment is
   *  closed (unmapped). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
  }
}
