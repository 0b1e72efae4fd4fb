// The real daemon and SIGTERM (CONTRACT.md "Signals"): exit 0 within 10 s, also when the signal
// arrives during start-up (before the listeners are bound) or while an association is sending.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { cleanupDaemons, startDaemon, tempDir, STOP_LIMIT_MS } from '../helpers/daemon.js';
import { makeInstances } from '../helpers/instances.js';
import { ROOT, run } from '../helpers/net.js';

after(cleanupDaemons);

test('SIGTERM during start-up (at the first log line): graceful stop, exit 0 within 10 s', async () => {
  const dir = tempDir('pg-sig-');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'pacsgate.js')], {
    env: { ...process.env, PACSGATE_DICOM_HOST: '127.0.0.1', PACSGATE_DICOM_PORT: '0', PACSGATE_HTTP_PORT: '0',
      PACSGATE_SPOOL_DIR: path.join(dir, 'spool'), PACSGATE_SPOOL_MAX_BYTES: String(1024 ** 3) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const msgs: string[] = [];
  let t0 = 0;
  readline.createInterface({ input: child.stdout! }).on('line', (l) => {
    const msg = (JSON.parse(l) as { msg: string }).msg;
    msgs.push(msg);
    if (msg === 'starting') {
      t0 = Date.now();
      child.kill('SIGTERM');
    }
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  assert.equal(signal, null, 'not killed by the signal');
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < STOP_LIMIT_MS);
  assert.ok(msgs.includes('stopped'), msgs.join(', '));
});

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
