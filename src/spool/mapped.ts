// Spool layer: keeps the LMDB pages this process maps out of its resident set. lmdb-js reads values
// through a shared read-only map, and LMDB maps the pages of every value it removes too (~220 KiB of a
// 256 KiB chunk measured); those pages count in RSS (RssFile) until unmapped. The bytes read, written or
// removed are counted here and our mapping of data.mdb is dropped every DROP_MAPPED_EVERY of them: the
// pages stay in the page cache (docs/spool.md "Memory").
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { dropMappedPages } from '../native/binding.js';
import type { Logger } from '../log.js';

/** Mapped pages are dropped after every this many bytes read or removed, across instances. */
export const DROP_MAPPED_EVERY = 4 * 1024 * 1024;

export class MappedPages {
  /** Bytes through the map since the mapping was last dropped. */
  private since = 0;
  /** Real path of the data file (as /proc/self/maps names it), resolved on first use. */
  private dataFile: string | undefined;

  constructor(private readonly dir: string, private readonly log: Logger) {}

  add(bytes: number): void {
    this.since += bytes;
    if (this.since < DROP_MAPPED_EVERY) return;
    this.since = 0;
    this.dataFile ??= realpathSync(path.join(this.dir, 'data.mdb'));
    const r = dropMappedPages(this.dataFile);
    if (r < 0) this.log.debug({ errno: -r }, 'dropping mapped spool pages failed');
  }
}
