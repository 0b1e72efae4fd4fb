// The real daemon and SIGTERM (CONTRACT.md "Signals") while an association is sending: exit 0 within
// 10 s and a consistent spool. Signals at start-up and at ready: daemon-signals.test.ts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupDaemons, startDaemon, tempDir, STOP_LIMIT_MS } from '../helpers/daemon.js';
import { makeInstances } from '../helpers/instances.js';
import { run } from '../helpers/net.js';

after(cleanupDaemons);

test('SIGTERM while storescu sends 100 instances: exit 0 within 10 s, spool consistent afterwards', async () => {
  const dir = tempDir('pg-sig-send-');
  const inst = await makeInstances(dir, 100, ['pydicom/CT_small.dcm']);
  const d = await startDaemon();
  const send = run('storescu', ['-aec', 'PACSGATE', '127.0.0.1', String(d.dicomPort), ...inst.map((i) => i.file)]);
  await d.waitFor((l) => l.msg === 'instance stored');
  const r = await d.stop();
  assert.equal(r.code, 0);
  assert.ok(r.ms < STOP_LIMIT_MS, `${r.ms} ms`);
  await send;
  const again = await startDaemon({ spoolDir: d.spoolDir });
  const open = await again.waitFor((l) => l.msg === 'spool open');
  assert.equal(open.partialsRemoved, 0, 'a graceful stop leaves no partial instance');
  assert.equal((await again.stop()).code, 0);
});
