// Spool layer: one process per spool directory. LMDB itself allows several processes, but instance ids
// are allocated in memory, so a second daemon on the same directory would reuse ids. A pid file taken
// with O_EXCL guards it; a file left by a dead process (kill -9, power loss) is taken over.
import { openSync, closeSync, readFileSync, writeSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { GatewayError, ERROR_CODES } from '../errors.js';

const LOCK_FILE = 'pacsgate.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the directory's pid lock; returns a function that releases it.
 * @throws GatewayError GW_ERR_SPOOL_STATE when a live process (this one included) holds the spool.
 */
export function lockSpoolDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new GatewayError(ERROR_CODES.SPOOL_STATE, `spool ${dir} is in use by process ${holder}`);
      }
      unlinkSync(file); // stale: its process is gone
    }
  }
  throw new GatewayError(ERROR_CODES.SPOOL_STATE, `spool ${dir}: could not take ${LOCK_FILE}`);
}
