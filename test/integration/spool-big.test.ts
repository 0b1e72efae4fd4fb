// A 2 GiB instance through a SpoolWriter in 256 KiB writes, in a child process so that its peak RSS
// (VmHWM) is the spool's alone. Brief: peak RSS under 96 MiB while writing; read-back bounded too.
// Reading maps LMDB pages into the process (RssFile: shared, clean page cache the kernel may drop at
// any time); what the spool itself holds while reading is the anonymous memory, checked here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../unit/spool/helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.resolve(here, '..', 'helpers', 'spool-big-child.js');
const MiB = 1024 * 1024;
const LIMIT = 96 * MiB;

test('2 GiB instance: written under 96 MiB peak RSS, read back byte-exact with bounded anonymous memory', async (t) => {
  const tmp = tempDir('pg-spool-big-');
  try {
    // The timeout guards against a hang, it checks no speed: 2–8 s here usually, but over 120 s once
    // when the host's disk fell to ~40 MiB/s (bench/ measures speed).
    const { stdout } = await promisify(execFile)(process.execPath, [child, path.join(tmp.dir, 'spool')],
      { timeout: 540_000, maxBuffer: 1024 * 1024 });
    const r = JSON.parse(stdout) as {
      bytes: number; chunks: number; digest: string; readBytes: number; readDigest: string; writeMs: number;
      readMs: number; afterWrite: Record<string, number>; afterRead: Record<string, number>; readMaxAnon: number;
    };
    const mb = (n: number) => (n / MiB).toFixed(1);
    t.diagnostic(`write ${mb(r.bytes)} MiB in ${r.writeMs} ms (${(r.bytes / MiB / (r.writeMs / 1000)).toFixed(0)} MiB/s), `
      + `peak RSS ${mb(r.afterWrite.VmHWM)} MiB`);
    t.diagnostic(`read in ${r.readMs} ms; peak anonymous ${mb(r.readMaxAnon)} MiB; `
      + `mapped file pages after read ${mb(r.afterRead.RssFile)} MiB (page cache)`);
    assert.equal(r.bytes, 2 * 1024 ** 3);
    assert.equal(r.chunks, 8192);
    assert.equal(r.readBytes, r.bytes);
    assert.equal(r.readDigest, r.digest);
    assert.ok(r.afterWrite.VmHWM < LIMIT, `peak RSS while writing ${mb(r.afterWrite.VmHWM)} MiB`);
    assert.ok(r.readMaxAnon < LIMIT, `anonymous memory while reading ${mb(r.readMaxAnon)} MiB`);
  } finally {
    tmp.cleanup();
  }
});
