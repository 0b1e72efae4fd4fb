// A real I/O failure under the spool (file size limit via `ulimit -f` in the child): the failing commit
// is reported as GW_ERR_SPOOL_IO (never a success), the process keeps running (lmdb-js's commitError
// promise is observed), health() turns unwritable, and after reopening without the limit every
// committed instance is intact and nothing partial remains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Spool } from '../../src/spool/index.js';
import { captureLogger, tempDir } from '../unit/spool/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.resolve(here, '..', 'helpers', 'spool-io-error-child.js');

test('file size limit hit mid-stream: GW_ERR_SPOOL_IO, no crash, committed data intact after reopen', async () => {
  const tmp = tempDir('pg-spool-ioerr-');
  const dir = path.join(tmp.dir, 'spool');
  try {
    // 8 MiB limit (ulimit -f counts 1024-byte blocks).
    const { stdout } = await promisify(execFile)('bash', ['-c', 'ulimit -f 8192 && exec "$0" "$1" "$2"',
      process.execPath, child, dir], { timeout: 60_000 });
    const r = JSON.parse(stdout) as {
      committed: number[]; failure?: { code: string; at: number }; health: { writable: boolean; reason?: string };
      beginAfter: string;
    };
    assert.ok(r.failure, 'the limit was hit');
    assert.equal(r.failure.code, 'GW_ERR_SPOOL_IO');
    assert.ok(r.committed.length >= 2, `${r.committed.length} instances committed before the limit`);
    assert.equal(r.health.writable, false);
    assert.match(r.health.reason ?? '', /i\/o error/);
    // Policy: an i/o error does not block new attempts; each one succeeds or fails on its own.
    assert.equal(r.beginAfter, 'allowed');
    const spool = await Spool.open({ dir, maxBytes: null, log: captureLogger().log });
    try {
      for (const id of r.committed) assert.equal(spool.get(id)?.bytes, 512 * 1024, `instance ${id}`);
      assert.equal(spool.dbs.partial.getCount({}), 0);
      assert.deepEqual(spool.verify().problems, []);
      assert.equal(spool.stats().instances, r.committed.length);
    } finally {
      await spool.close();
    }
  } finally {
    tmp.cleanup();
  }
});
