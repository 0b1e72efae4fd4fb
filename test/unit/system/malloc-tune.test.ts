// tuneMalloc (src/system/reclaim.ts, native/napi/malloc_tune.cc): LMDB copies each value it writes
// into malloc'd dirty pages and frees them at commit; with glibc's default thresholds the heap's top
// goes back to the kernel after every commit and the next commit faults it in again. Runs in its own
// process (node --test gives each file one), so the thresholds it sets reach no other test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { open } from 'lmdb';
import { mallocTune } from '../../../src/native/binding.js';
import { tuneMalloc } from '../../../src/system/reclaim.js';

/** Minor page faults of this process so far (/proc/self/stat field 10). */
function minorFaults(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
}

test('after tuneMalloc, synchronous LMDB commits of 256 KiB chunks stop faulting their dirty pages in', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-malloc-'));
  const db = open<Buffer, number>({ path: dir, noSync: true, encoding: 'binary' });
  try {
    const value = Buffer.alloc(256 * 1024, 3);
    // 200 commits of two chunks each, as one association's 512 KiB instances are committed.
    const commits = (base: number): number => {
      const f0 = minorFaults();
      for (let i = 0; i < 200; i++) {
        db.transactionSync(() => {
          void db.put(base + 2 * i, value);
          void db.put(base + 2 * i + 1, value);
        });
      }
      return minorFaults() - f0;
    };
    commits(0); // warm: the b-tree, lmdb-js's buffers
    const before = commits(1000);
    assert.equal(tuneMalloc(), true, 'glibc took both thresholds');
    assert.equal(tuneMalloc(), true, 'once per process, then the same answer');
    commits(2000);
    const after = commits(3000);
    assert.ok(before > 200 * 20, `glibc's defaults: ${before} faults for 200 commits`);
    assert.ok(after * 10 < before, `tuned: ${after} faults, against ${before}`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mallocTune refuses thresholds outside 1 .. 2^31-1 with GW_ERR_ARGUMENT', () => {
  for (const bad of [0, -1, 2 ** 31, 1.5, Number.NaN]) {
    assert.throws(() => mallocTune(bad, 1024), { code: 'GW_ERR_ARGUMENT' }, String(bad));
    assert.throws(() => mallocTune(1024 * 1024, bad), { code: 'GW_ERR_ARGUMENT' }, String(bad));
  }
});
