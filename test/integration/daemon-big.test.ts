// A 2 GiB multi-frame instance from storescu into the real daemon (issue 3 "Must show"): the data set is
// streamed socket → spool, so the daemon's peak resident set (VmHWM from /proc) stays ≤ 96 MiB, and the
// stored bytes' SHA-256 equals the data set's. The file is generated on disk and deleted afterwards.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startDaemon, cleanupDaemons, tempDir } from '../helpers/daemon.js';
import { writeMultiframe } from '../helpers/ct-study.js';
import { hashStored, openSpool } from '../helpers/corpus.js';
import { run } from '../helpers/net.js';

after(cleanupDaemons);

const MiB = 1024 * 1024;
const LIMIT = 96 * MiB;
/** 4096 frames of 512×512×16 bit = 2 GiB of pixel data. */
const FRAMES = Number(process.env.PACSGATE_TEST_BIG_FRAMES ?? 4096);

test(`2 GiB multi-frame instance (${FRAMES} frames) via storescu: daemon peak RSS ≤ 96 MiB, sha256 exact`, async (t) => {
  const dir = tempDir('pg-big-');
  const file = path.join(dir, 'big.dcm');
  let ms = Date.now();
  const big = await writeMultiframe(file, FRAMES);
  const genMs = Date.now() - ms;
  const d = await startDaemon();
  const atStart = d.memory();
  ms = Date.now();
  const r = await run('storescu', ['-R', '-aec', 'PACSGATE', '127.0.0.1', String(d.dicomPort), file], 120000);
  const sendMs = Date.now() - ms;
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /^E:/m);
  const mem = d.memory();
  rmSync(file);
  const stored = await d.waitFor((l) => l.msg === 'instance stored' && l.sopInstanceUid === big.sopInstanceUid, 5000);
  assert.equal((await d.stop()).code, 0);
  t.diagnostic(`generated ${(big.datasetBytes / MiB).toFixed(0)} MiB in ${genMs} ms; storescu sent it in ${sendMs} ms `
    + `(${(big.datasetBytes / MiB / (sendMs / 1000)).toFixed(0)} MiB/s, daemon ${stored.ms} ms)`);
  t.diagnostic(`daemon VmHWM ${(mem.vmHwm / MiB).toFixed(1)} MiB (at start ${(atStart.vmHwm / MiB).toFixed(1)} MiB), VmRSS after ${(mem.vmRss / MiB).toFixed(1)} MiB`);
  assert.ok(mem.vmHwm <= LIMIT, `daemon peak RSS ${(mem.vmHwm / MiB).toFixed(1)} MiB > 96 MiB`);

  const spool = await openSpool(d.spoolDir);
  try {
    const rec = spool.findBySopInstanceUid(big.sopInstanceUid);
    assert.ok(rec, 'stored');
    assert.equal(rec.bytes, big.datasetBytes);
    assert.equal(rec.digest, big.digest, 'record digest = data set CRC-32C');
    ms = Date.now();
    const back = await hashStored(spool, rec.id);
    t.diagnostic(`read back from the spool in ${Date.now() - ms} ms`);
    assert.equal(back.sha256, big.sha256, 'stored chunks hash to the data set');
  } finally {
    await spool.close();
  }
});
