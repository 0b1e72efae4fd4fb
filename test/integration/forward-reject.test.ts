// Issue 4: permanent rejection. A storescp whose association profile lacks some SOP Classes rejects
// their presentation contexts; those instances go to the dead-letter list with the reason while the
// rest keeps flowing. Then the HTTP API (docs/api.md): discard one, and retry one after the
// destination learned the class (a new storescp on the same port) — it is delivered byte-identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStorescp, storescuSend, type StoreScp } from '../peers/dcmtk.js';
import { startDaemon, waitFor, type Daemon, type DeadLetterJson } from '../helpers/forward-daemon.js';
import { CT_IMAGE_STORAGE, writeCtStudy } from '../helpers/ct-study.js';
import { datasetOf } from '../helpers/dicom-files.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const SC_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.7';

test('rejected SOP Class → dead letter with reason, others flow; discard and retry over HTTP', { timeout: 120_000 }, async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-fwd-reject-'));
  const ctOnly = await startStorescp({ aeTitle: 'CTONLY', args: ['+B'], profile: { sopClasses: [CT_IMAGE_STORAGE], transferSyntaxes: [EXPLICIT_LE] } });
  let scp2: StoreScp | null = null;
  let daemon: Daemon | null = null;
  t.after(async () => {
    await daemon?.kill('SIGTERM');
    await ctOnly.stop();
    await scp2?.stop();
    for (const dir of [tmp, ctOnly.dir, scp2?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });
  daemon = await startDaemon({
    spoolDir: path.join(tmp, 'spool'),
    config: { destinations: [{ name: 'pacs', aeTitle: 'CTONLY', host: '127.0.0.1', port: ctOnly.port }] },
  });
  const d = daemon;
  const ct = writeCtStudy(path.join(tmp, 'ct'), 6, { rows: 64, cols: 64 });
  const [mrFile] = writeCtStudy(path.join(tmp, 'mr'), 1, { rows: 64, cols: 64, sopClassUid: MR_IMAGE_STORAGE, modality: 'MR' });
  const [scFile] = writeCtStudy(path.join(tmp, 'sc'), 1, { rows: 64, cols: 64, sopClassUid: SC_IMAGE_STORAGE, modality: 'OT' });
  const [MR, SC] = [mrFile.path, scFile.path];
  // CT, then MR and SC (not in the profile), then CT again: one batch, one association.
  await storescuSend([...ct.slice(0, 3).map((f) => f.path), MR, SC, ...ct.slice(3).map((f) => f.path)], d.dicomPort, 'PACSGATE');
  const st = await waitFor('CT delivered, MR and SC dead', 30_000, async () => {
    const x = await d.destination('pacs');
    return x.queued === 0 && x.forwarded === 6 && x.deadLetter === 2 && x;
  });
  assert.match(st.lastError ?? '', /accepted no presentation context for SOP Class/);
  const received = readdirSync(ctOnly.dir);
  assert.equal(received.length, 6, `storescp got ${received.join(', ')}`);

  const list = await d.api<{ deadLetters: DeadLetterJson[] }>('GET', '/api/dead-letters');
  assert.equal(list.status, 200);
  const [mrUid, scUid] = [mrFile.sopInstanceUid, scFile.sopInstanceUid];
  const byUid = new Map(list.body.deadLetters.map((x) => [x.sopInstanceUid, x]));
  assert.deepEqual(new Set(byUid.keys()), new Set([mrUid, scUid]));
  const mr = byUid.get(mrUid)!;
  const sc = byUid.get(scUid)!;
  assert.equal(mr.destination, 'pacs');
  assert.equal(mr.sopClassUid, MR_IMAGE_STORAGE);
  assert.match(mr.lastError, new RegExp(`no presentation context for SOP Class ${MR_IMAGE_STORAGE.replace(/\./g, '\\.')}`));
  assert.equal(mr.attempts, 1, 'the association that refused the SOP Class counts as one attempt');
  t.diagnostic(`dead letter: ${JSON.stringify(mr)}`);

  // Discard SC: gone from the list; a second discard is a 404.
  assert.equal((await d.api('DELETE', `/api/dead-letters/pacs/${sc.id}`)).status, 200);
  assert.equal((await d.api('DELETE', `/api/dead-letters/pacs/${sc.id}`)).status, 404);
  const afterDiscard = await d.api<{ deadLetters: DeadLetterJson[] }>('GET', '/api/dead-letters');
  assert.deepEqual(afterDiscard.body.deadLetters.map((x) => x.sopInstanceUid), [mrUid]);
  assert.equal((await d.destination('pacs')).deadLetter, 1);

  // The PACS learns MR (same port, new profile); retry MR: delivered, byte-identical, list empty.
  await ctOnly.stop();
  scp2 = await startStorescp({ aeTitle: 'CTONLY', args: ['+B'], port: ctOnly.port, profile: { sopClasses: [CT_IMAGE_STORAGE, MR_IMAGE_STORAGE], transferSyntaxes: [EXPLICIT_LE] } });
  const s2 = scp2;
  assert.equal((await d.api('POST', `/api/dead-letters/pacs/${mr.id}/retry`)).status, 200);
  await waitFor('MR delivered after retry', 30_000, async () => {
    const x = await d.destination('pacs');
    return x.queued === 0 && x.forwarded === 7 && x.deadLetter === 0 && x;
  }).catch(async (e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(await d.destination('pacs'))} ${JSON.stringify(d.logs.filter((l) => l.destination === 'pacs').slice(-6))}`);
  });
  const files = readdirSync(s2.dir);
  assert.equal(files.length, 1);
  assert.ok((await datasetOf(path.join(s2.dir, files[0]))).dataset.equals((await datasetOf(MR)).dataset), 'MR after retry is byte-identical');
  assert.deepEqual((await d.api<{ deadLetters: DeadLetterJson[] }>('GET', '/api/dead-letters')).body.deadLetters, []);
  assert.equal((await d.api('POST', `/api/dead-letters/pacs/${mr.id}/retry`)).status, 404);
});
