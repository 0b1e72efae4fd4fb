// Issue 4: "an instance leaves the spool only when every destination has confirmed it (and after an
// optional retention period, so a local re-send stays possible)". spool.retentionSeconds in the config
// file keeps forwarded instances in the spool (still counted in /api/status) until it has passed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStorescp } from '../peers/dcmtk.js';
import { startDaemon, waitFor, type Daemon } from '../helpers/forward-daemon.js';
import { writeCtStudy } from '../helpers/ct-study.js';
import { storescuSend } from '../peers/dcmtk.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';

test('spool.retentionSeconds: forwarded instances stay in the spool for the retention, can be re-sent meanwhile, then are deleted', { timeout: 120_000 }, async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-fwd-retention-'));
  const scp = await startStorescp({ aeTitle: 'PACS', args: ['+B'], profile: { sopClasses: ['1.2.840.10008.5.1.4.1.1.2'], transferSyntaxes: [EXPLICIT_LE] } });
  let daemon: Daemon | null = null;
  t.after(async () => {
    await daemon?.kill('SIGTERM');
    await scp.stop();
    for (const dir of [tmp, scp.dir]) rmSync(dir, { recursive: true, force: true });
  });
  const RETENTION_S = 4;
  daemon = await startDaemon({
    spoolDir: path.join(tmp, 'spool'),
    config: { spool: { retentionSeconds: RETENTION_S }, destinations: [{ name: 'pacs', aeTitle: 'PACS', host: '127.0.0.1', port: scp.port }] },
  });
  const d = daemon;
  const files = writeCtStudy(path.join(tmp, 'ct'), 3, { rows: 64, cols: 64 });
  await storescuSend(files.map((f) => f.path), d.dicomPort, 'PACSGATE');
  const forwardedAt = await waitFor('3 forwarded', 30_000, async () => (await d.destination('pacs')).forwarded === 3 && Date.now());
  assert.equal(readdirSync(scp.dir).length, 3);
  // Without a retention they would be swept 250 ms after the last delivery (SWEEP_LULL_MS).
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await d.status()).spool.instances, 3, 'kept during the retention');
  // A local re-send from the retained copy (docs/api.md): the PACS gets the instance again.
  const { body: list } = await d.api<{ instances: Array<{ id: number }> }>('GET', '/api/instances');
  const id = list.instances[0].id;
  const resent = await d.api<{ ok: boolean; queued: string[] }>('POST', `/api/instances/${id}/resend`, {});
  assert.deepEqual(resent, { status: 200, body: { ok: true, queued: ['pacs'] } });
  await waitFor('the re-send delivered', 30_000, async () => (await d.destination('pacs')).forwarded === 4);
  assert.equal((await d.status()).spool.instances, 3, 'still kept: its retention starts again at the new delivery');
  await waitFor('the retention passed and the spool swept', 30_000, async () => (await d.status()).spool.instances === 0);
  const keptMs = Date.now() - forwardedAt;
  assert.ok(keptMs >= RETENTION_S * 1000 - 500, `kept ${keptMs} ms, retention ${RETENTION_S} s`);
  t.diagnostic(`forwarded instances deleted ${keptMs} ms after delivery (retention ${RETENTION_S} s; sweep every min(retention, 60 s))`);
});
