// Spool full against the real daemon (PACSGATE_SPOOL_MAX_BYTES small): C-STORE status 0xA700 (Out of
// Resources, PS3.4 Annex B.2.3), never a Success for data that was not kept; /readyz 503 with a reason;
// a warning in the log; /api/status `received` and `spool` figures match what happened.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { startDaemon, cleanupDaemons, tempDir } from '../helpers/daemon.js';
import { makeInstances } from '../helpers/instances.js';
import { openSpool } from '../helpers/corpus.js';
import { run, silentLog } from '../helpers/net.js';
import { openAssociation } from '../../src/net/scu.js';
import { readPart10Info } from '../../src/dicom/part10.js';

after(cleanupDaemons);

/** The smallest limit the config accepts (1 MiB): one ~1 MB instance and a few 39 KB CTs fill it. */
const MAX = 1024 * 1024;

interface Status {
  received: { instances: number; bytes: number; failed: number };
  spool: { bytesUsed: number; bytesMax: number; instances: number };
}

test(`spool limit ${MAX} bytes: Success until full, then 0xA700 only; /readyz 503; status figures exact`, async (t) => {
  const cts = await makeInstances(tempDir('pg-full-ct-'), 8, ['pydicom/CT_small.dcm']);
  const big = await makeInstances(tempDir('pg-full-big-'), 2, ['pylibjpeg-data/ds/LittleEndianExplicit/OBXXXX1A_2frame.dcm']);
  const d = await startDaemon({ env: { PACSGATE_SPOOL_MAX_BYTES: String(MAX) } });
  assert.equal((await d.http('/readyz')).status, 200, 'ready while empty');

  const infos = await Promise.all([big[0], ...cts, big[1]].map((i) => readPart10Info(i.file)));
  const assoc = await openAssociation({
    host: '127.0.0.1', port: d.dicomPort, callingAe: 'FILLER', calledAe: 'PACSGATE', log: silentLog(),
    contexts: [...new Map(infos.map((i) => [i.sopClassUid, { abstractSyntax: i.sopClassUid, transferSyntaxes: [i.transferSyntax] }])).values()],
  });
  const results: Array<{ uid: string; status: number; bytes: number; comment?: string }> = [];
  for (const i of infos) {
    const r = await assoc.store({
      abstractSyntax: i.sopClassUid, transferSyntax: i.transferSyntax, sopClassUid: i.sopClassUid, sopInstanceUid: i.sopInstanceUid,
      dataset: createReadStream(i.path, { start: i.datasetOffset, highWaterMark: 64 * 1024 }),
    });
    results.push({ uid: i.sopInstanceUid, status: r.status, bytes: i.size - i.datasetOffset, comment: r.errorComment });
  }
  await assoc.release();
  t.diagnostic(results.map((r) => `0x${r.status.toString(16).padStart(4, '0')}`).join(' '));

  assert.equal(results[0].status, 0, 'the first ~1 MB instance fits');
  // The second one passes the limit while streaming: refused, and the association goes on.
  assert.equal(results.at(-1)!.status, 0xa700, 'the second ~1 MB instance: Out of Resources');
  const ok = results.filter((r) => r.status === 0);
  const refused = results.filter((r) => r.status !== 0);
  assert.ok(ok.length >= 2, `${ok.length} instances fit`);
  for (const r of refused) {
    assert.equal(r.status, 0xa700, 'every refusal is 0xA700');
    assert.equal(r.comment, 'spool full');
  }
  const firstRefused = results.findIndex((r) => r.status !== 0);
  assert.ok(firstRefused > 1 && firstRefused < results.length - 2, 'the spool filled up among the CTs');
  assert.ok(results.slice(firstRefused).every((r) => r.status === 0xa700), 'no Success once full');

  // A DCMTK sender sees the refusal too.
  const s = await run('storescu', ['-v', '-aec', 'PACSGATE', '127.0.0.1', String(d.dicomPort), cts[7].file]);
  assert.match(s.stderr, /Received Store Response \((?!Success)/, s.stderr);

  const ready = await d.http('/readyz');
  assert.equal(ready.status, 503, 'not ready when full');
  assert.match(JSON.stringify(ready.body), /spool full/);
  const warns = d.lines.filter((l) => l.msg === 'store failed' && l.level === 'warn' && String(l.status).toLowerCase() === '0xa700');
  assert.ok(warns.length >= refused.length, `a warning per refusal (${warns.length})`);

  const st = (await d.http('/api/status')).body as Status;
  assert.equal(st.received.instances, ok.length);
  assert.equal(st.received.failed, refused.length + 1, 'our refusals plus the storescu one');
  assert.equal(st.spool.instances, ok.length);
  assert.equal(st.spool.bytesMax, MAX);
  assert.ok(st.spool.bytesUsed <= MAX);
  assert.equal((await d.stop()).code, 0);

  const spool = await openSpool(d.spoolDir);
  try {
    const v = spool.verify();
    assert.deepEqual(v.problems, []);
    assert.equal(v.instances, ok.length);
    assert.equal(v.bytes, st.spool.bytesUsed, '/api/status spool.bytesUsed = stored bytes');
    assert.equal(st.received.bytes, v.bytes, '/api/status received.bytes = stored bytes');
    for (const r of results) assert.equal(spool.findBySopInstanceUid(r.uid) !== undefined, r.status === 0, `${r.uid}: stored iff Success`);
  } finally {
    await spool.close();
  }
});
