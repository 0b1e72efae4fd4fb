// Issue 4: kill -9 of pacsgate in the middle of forwarding 500 instances. Every instance acknowledged
// to storescu reaches the PACS after a restart on the same spool; duplicates exist only as re-sends of
// identical bytes. Orthanc (newest copy kept) is the PACS; a bit-preserving storescp that keeps every
// copy (--unique-filenames) is a second destination, so re-sends can be counted and compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startOrthanc, type Orthanc } from '../peers/orthanc.js';
import { freePort, startStorescp, storescuSend, type StoreScp } from '../peers/dcmtk.js';
import { startDaemon, waitFor, type Daemon } from '../helpers/forward-daemon.js';
import { writeCtStudy } from '../helpers/ct-study.js';
import { datasetOf, datasetOfBuffer, datasetUidsOf } from '../helpers/dicom-files.js';
import { BOOKKEEPING_WINDOW, PIPELINE_DEPTH } from '../../src/forward/destination.js';

const N = 500;

const forwardedLines = (d: Daemon, dest: string): number => d.logs.filter((l) => l.msg === 'instance forwarded' && l.destination === dest).length;

test('kill -9 mid-forwarding of 500 instances: all reach the PACS after restart, re-sends byte-identical', { timeout: 300_000 }, async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-fwd-crash-'));
  const [pacsPort, copiesPort] = [await freePort(), await freePort()];
  let orthanc: Orthanc | null = null;
  let copies: StoreScp | null = null;
  let daemon: Daemon | null = null;
  t.after(async () => {
    await daemon?.kill('SIGTERM');
    await orthanc?.stop();
    await copies?.stop();
    rmSync(tmp, { recursive: true, force: true });
    if (copies) rmSync(copies.dir, { recursive: true, force: true });
  });
  const opts = {
    spoolDir: path.join(tmp, 'spool'),
    config: {
      destinations: [
        { name: 'pacs', aeTitle: 'ORTHANC', host: '127.0.0.1', port: pacsPort },
        { name: 'copies', aeTitle: 'COPIES', host: '127.0.0.1', port: copiesPort },
      ],
    },
  };
  daemon = await startDaemon(opts);
  // Upstream not there yet: all 500 are acknowledged into the spool first.
  const study = writeCtStudy(path.join(tmp, 'ct'), N, { rows: 256, cols: 256 });
  await storescuSend(study.map((f) => f.path), daemon.dicomPort, 'PACSGATE');
  assert.equal((await daemon.status()).received.instances, N);

  orthanc = await startOrthanc({ dicomPort: pacsPort });
  copies = await startStorescp({ aeTitle: 'COPIES', port: copiesPort, args: ['+B', '--unique-filenames'] });
  const first = daemon;
  // storescp is the faster of the two: kill when it is partway, Orthanc is then partway too.
  const killAt = 100 + Math.floor(Math.random() * 250);
  await waitFor(`${killAt} forwarded to copies`, 120_000, () => forwardedLines(first, 'copies') >= killAt, 5);
  first.child.kill('SIGKILL');
  const ex = await first.exited;
  assert.equal(ex.signal, 'SIGKILL');
  const before = { pacs: forwardedLines(first, 'pacs'), copies: forwardedLines(first, 'copies') };
  assert.ok(before.pacs < N || before.copies < N, `killed mid-forwarding (${JSON.stringify(before)})`);

  daemon = await startDaemon(opts);
  const second = daemon;
  const done = await waitFor('all delivered after restart', 180_000, async () => {
    const s = await second.status();
    return s.destinations.every((x) => x.queued === 0) && s;
  }, 500);
  const after = Object.fromEntries(done.destinations.map((x) => [x.name, x]));
  t.diagnostic(`killed after ${before.pacs} (pacs) / ${before.copies} (copies) forwarded-log lines; after restart forwarded ${after.pacs.forwarded} / ${after.copies.forwarded}`);
  for (const x of done.destinations) assert.equal(x.deadLetter, 0, `${x.name}: ${x.lastError}`);
  // No sum check on log lines: a delivery can commit just before the kill with its log line unwritten.
  // What counts is the PACS side, checked below.

  // Orthanc: every instance, the dataset sent.
  const o = orthanc;
  assert.equal(await o.countInstances(), N);
  for (const f of study) {
    const stored = await o.fileOf(f.sopInstanceUid);
    assert.ok(stored, `Orthanc lacks ${path.basename(f.path)}`);
    assert.ok((await datasetOfBuffer(stored)).dataset.equals((await datasetOf(f.path)).dataset), `${path.basename(f.path)} differs at Orthanc`);
  }
  // Every copy storescp got, duplicates included, is the instance's own bytes.
  const byUid = new Map(study.map((f) => [f.sopInstanceUid, f.path]));
  const got = new Map<string, number>();
  const c = copies;
  for (const name of readdirSync(c.dir)) {
    const p = path.join(c.dir, name);
    const uid = (await datasetUidsOf(p)).sopInstanceUid;
    const src = byUid.get(uid);
    assert.ok(src, `storescp got an unknown instance ${uid}`);
    assert.ok((await datasetOf(p)).dataset.equals((await datasetOf(src)).dataset), `copy ${name} differs from ${path.basename(src)}`);
    got.set(uid, (got.get(uid) ?? 0) + 1);
  }
  assert.equal(got.size, N, 'storescp got every instance');
  const dups = [...got.values()].reduce((a, n) => a + n - 1, 0);
  t.diagnostic(`copies destination: ${got.size} instances, ${dups} duplicate(s) (re-sends after the kill), all byte-identical`);
  // Queue bookkeeping commits in the background (src/forward/destination.ts): a kill can lose the last
  // few updates not yet committed, and those instances go again — identical bytes, as issue #4 allows.
  // One lane: at most BOOKKEEPING_WINDOW uncommitted updates plus the C-STOREs on its association.
  const bound = BOOKKEEPING_WINDOW + PIPELINE_DEPTH;
  assert.ok(dups <= bound, `${dups} duplicates: at most the ${bound} in flight when the daemon was killed`);
  await waitFor('spool emptied', 10_000, async () => (await second.status()).spool.instances === 0);
});
