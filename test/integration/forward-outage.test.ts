// Issue 4: upstream down for two minutes. pacsgate keeps accepting (the spool grows), /api/status
// shows the backlog and its age; the upstream port meanwhile accepts TCP connections and closes them
// at once, counting them, so an association storm would show. Then Orthanc comes up on that port and
// the queue drains with no manual action. Back-off: src/forward/policy.ts DEFAULT_BACKOFF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startOrthanc, type Orthanc } from '../peers/orthanc.js';
import { freePort, storescuSend } from '../peers/dcmtk.js';
import { startDaemon, waitFor, type Daemon } from '../helpers/forward-daemon.js';
import { writeCtStudy } from '../helpers/ct-study.js';
import { datasetOf, datasetOfBuffer } from '../helpers/dicom-files.js';
import { DEFAULT_BACKOFF } from '../../src/forward/policy.js';

const OUTAGE_MS = 120_000;

/** A listener that accepts and closes every connection (a PACS whose DICOM service is down), counting. */
function closingListener(port: number): Promise<{ server: Server; accepts: number[] }> {
  const accepts: number[] = [];
  const server = createServer((s: Socket) => {
    accepts.push(Date.now());
    s.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, accepts }));
  });
}

test('upstream down 2 min: accepting goes on, backlog visible, no association storm, drains by itself', { timeout: 420_000 }, async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-fwd-outage-'));
  const port = await freePort();
  const down = await closingListener(port);
  let daemon: Daemon | null = null;
  let orthanc: Orthanc | null = null;
  t.after(async () => {
    down.server.close();
    await daemon?.kill('SIGTERM');
    await orthanc?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  daemon = await startDaemon({
    spoolDir: path.join(tmp, 'spool'),
    config: { destinations: [{ name: 'pacs', aeTitle: 'ORTHANC', host: '127.0.0.1', port }] },
  });
  const d = daemon;
  const first = writeCtStudy(path.join(tmp, 'a'), 40, { rows: 128, cols: 128 });
  const second = writeCtStudy(path.join(tmp, 'b'), 40, { rows: 128, cols: 128 });
  const t0 = Date.now();
  await storescuSend(first.map((f) => f.path), d.dicomPort, 'PACSGATE');

  // Halfway through the outage: still accepting, backlog and age visible.
  await new Promise((r) => setTimeout(r, OUTAGE_MS / 2));
  await storescuSend(second.map((f) => f.path), d.dicomPort, 'PACSGATE');
  const mid = await d.status();
  const midDest = mid.destinations[0];
  assert.equal(mid.received.instances, 80);
  assert.equal(midDest.queued, 80);
  assert.equal(midDest.forwarded, 0);
  assert.ok(midDest.oldestQueuedAgeSeconds !== null && midDest.oldestQueuedAgeSeconds >= OUTAGE_MS / 2000 - 2, `oldest age ${midDest.oldestQueuedAgeSeconds}`);
  assert.ok(['backoff', 'circuit-open'].includes(midDest.state), midDest.state);
  assert.ok(midDest.lastError, 'lastError set during the outage');
  assert.equal((await d.api('GET', '/readyz')).status, 200);

  await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - t0))));
  const end = (await d.status()).destinations[0];
  const outageS = (Date.now() - t0) / 1000;
  const gaps = down.accepts.map((a, i) => (i ? (a - down.accepts[i - 1]) / 1000 : (a - t0) / 1000).toFixed(1));
  t.diagnostic(`outage ${outageS.toFixed(0)} s: ${down.accepts.length} TCP connections accepted by the upstream port, connectAttempts ${end.connectAttempts}; `
    + `seconds between attempts: ${gaps.join(', ')}; state ${end.state}; oldest queued ${end.oldestQueuedAgeSeconds} s; spool ${(await d.status()).spool.bytesUsed} bytes`);
  assert.equal(end.queued, 80);
  assert.equal(end.connectAttempts, down.accepts.length, 'every association attempt reached the port');
  // 2 s doubling to the 60 s cap, ±20 %: about 7 attempts in 120 s. A storm would be hundreds.
  assert.ok(down.accepts.length >= 4 && down.accepts.length <= 10, `${down.accepts.length} attempts in ${outageS} s`);
  assert.ok(end.oldestQueuedAgeSeconds !== null && end.oldestQueuedAgeSeconds >= OUTAGE_MS / 1000 - 5);

  // Upstream back on the same port.
  await new Promise<void>((r) => down.server.close(() => r()));
  const attemptsBefore = end.connectAttempts;
  orthanc = await startOrthanc({ dicomPort: port });
  const back = Date.now();
  const o = orthanc;
  await waitFor('queue drained after the upstream came back', 200_000, async () => {
    const x = await d.destination('pacs');
    return x.queued === 0 && x.forwarded === 80 && x;
  }, 500);
  const drainedAfterS = (Date.now() - back) / 1000;
  const after = await d.destination('pacs');
  t.diagnostic(`upstream back: queue of 80 drained ${drainedAfterS.toFixed(1)} s later with ${after.connectAttempts - attemptsBefore} more association(s); state ${after.state}`);
  assert.equal(after.deadLetter, 0);
  // The next probe was scheduled before the upstream returned: at most one capped back-off step
  // (DEFAULT_BACKOFF.maxMs, +20 % jitter) plus the drain itself.
  assert.ok(drainedAfterS <= (DEFAULT_BACKOFF.maxMs / 1000) * (1 + DEFAULT_BACKOFF.jitter) + 15, `drained ${drainedAfterS} s after the upstream came back`);
  assert.ok(after.connectAttempts - attemptsBefore <= 3, `${after.connectAttempts - attemptsBefore} associations to drain`);
  assert.equal(after.oldestQueuedAgeSeconds, null);
  for (const f of [...first, ...second]) {
    const stored = await o.fileOf(f.sopInstanceUid);
    assert.ok(stored, `Orthanc lacks ${path.basename(f.path)}`);
    assert.ok((await datasetOfBuffer(stored)).dataset.equals((await datasetOf(f.path)).dataset));
  }
});
