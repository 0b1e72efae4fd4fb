// Issue 4: a 2 GiB multi-frame instance goes storescu → pacsgate → storescp with the daemon's peak
// RSS (VmHWM, /proc/PID/status) at most 96 MiB: dataset bytes are streamed socket → spool → socket,
// never held whole. The file is generated and deleted afterwards; storescp --ignore receives without
// writing, and pacsgate's own forwarded log line (status 0x0000, bytes) is the delivery proof.
// What keeps it there: LMDB's mapped pages are dropped every 4 MiB read (src/spool/mapped.ts; before:
// VmHWM 2.2 GiB); the lane reuses its 8 pooled chunks once the socket has taken their bytes
// (ChunkLease.release; before: 107 MiB once in CI, 88-89 MiB here with both vCPUs busy); and the
// Reclaimer runs a young-generation GC every 2 MiB forwarded past those 8 chunks (before: 165-180 MiB).
// Measured 81-83 MiB, of which ~45 MiB are node's own file-backed pages. The 2 GiB test also bounds
// file-backed RSS well below the instance size; the 48 MiB one checks the reused chunks' bytes.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStorescp, storescuSend, type StoreScp } from '../peers/dcmtk.js';
import { startDaemon, waitFor, type Daemon } from '../helpers/forward-daemon.js';
import { writeMultiframe } from '../helpers/ct-study.js';
import { datasetOffset } from '../helpers/net.js';

const MiB = 1024 * 1024;
const LIMIT = 96 * MiB;
const FRAMES = 4096; // × 512 KiB = 2 GiB of pixel data

interface Figures { VmHWM: number; atStart: number; maxAnon: number; maxFile: number }
let figures: Figures | null = null;
const mb = (n: number): string => (n / MiB).toFixed(1);

/**
 * storescu → pacsgate → storescp for one generated multi-frame instance: the file, a storescp started
 * with `scpArgs`, a daemon forwarding to it; all stopped and removed after the test.
 */
async function forwardRig(t: TestContext, name: string, frames: number, scpArgs: string[], env?: Record<string, string>) {
  const tmp = mkdtempSync(path.join(tmpdir(), `pg-fwd-${name}-`));
  let scp: StoreScp | null = null;
  let daemon: Daemon | null = null;
  t.after(async () => {
    await daemon?.kill('SIGTERM');
    await scp?.stop();
    rmSync(tmp, { recursive: true, force: true });
    if (scp) rmSync(scp.dir, { recursive: true, force: true });
  });
  const file = await writeMultiframe(path.join(tmp, `${name}.dcm`), frames);
  const aeTitle = `${name.toUpperCase()}SCP`;
  scp = await startStorescp({ aeTitle, args: scpArgs });
  daemon = await startDaemon({
    spoolDir: path.join(tmp, 'spool'),
    ...(env ? { env } : {}),
    config: { destinations: [{ name: 'pacs', aeTitle, host: '127.0.0.1', port: scp.port }] },
  });
  return { file, scp, daemon };
}

test('a 48 MiB instance is forwarded byte-identical while its pooled chunks are reused (ChunkLease.release)', { timeout: 120_000 }, async (t) => {
  // 192 chunks through a lease of 8: all but the first 8 go out in reused buffers when the socket keeps
  // up. storescp +B writes the data set as received; its digest must be the generated one.
  const { file: mid, scp, daemon: d } = await forwardRig(t, 'mid', 96, ['+B']);
  await storescuSend([mid.path], d.dicomPort, 'PACSGATE');
  const line = await waitFor('instance forwarded', 60_000, () => d.logs.find((l) => l.msg === 'instance forwarded'), 100);
  assert.equal(line.status, '0x0000');
  const files = readdirSync(scp.dir).filter((f) => !f.startsWith('.'));
  assert.equal(files.length, 1, `storescp wrote ${files.join(', ')}`);
  const got = readFileSync(path.join(scp.dir, files[0]));
  const ds = got.subarray(datasetOffset(got));
  assert.equal(ds.length, mid.datasetBytes);
  assert.equal(createHash('sha256').update(ds).digest('hex'), mid.sha256);
});

test('2 GiB multi-frame instance: storescu → pacsgate → storescp, streamed', { timeout: 600_000 }, async (t) => {
  const { file: big, daemon: d } = await forwardRig(t, 'big', FRAMES, ['--ignore'], { PACSGATE_SPOOL_MAX_BYTES: String(4 * 1024 * MiB) });
  const atStart = d.memory();
  let maxAnon = 0;
  let maxFile = 0;
  let phase: 'receive' | 'forward' = 'receive';
  const anonBy = { receive: 0, forward: 0 };
  const sampler = setInterval(() => {
    try {
      const m = d.memory();
      maxAnon = Math.max(maxAnon, m.RssAnon);
      maxFile = Math.max(maxFile, m.RssFile);
      anonBy[phase] = Math.max(anonBy[phase], m.RssAnon);
    } catch { /* exited */ }
  }, 100);
  try {
    const t0 = Date.now();
    await storescuSend([big.path], d.dicomPort, 'PACSGATE');
    const tRecv = Date.now() - t0;
    phase = 'forward';
    const line = await waitFor('big instance forwarded', 300_000, () => d.logs.find((l) => l.msg === 'instance forwarded'), 200);
    const tAll = Date.now() - t0;
    const m = d.memory();
    figures = { VmHWM: m.VmHWM, atStart: atStart.VmHWM, maxAnon, maxFile };
    t.diagnostic(`${mb(big.bytes)} MiB file; received in ${(tRecv / 1000).toFixed(1)} s, forwarded ${(tAll / 1000).toFixed(1)} s after the send began`);
    t.diagnostic(`daemon VmHWM ${mb(m.VmHWM)} MiB (at start ${mb(atStart.VmHWM)}); sampled max RssAnon ${mb(maxAnon)} MiB (receiving ${mb(anonBy.receive)}, forwarding ${mb(anonBy.forward)}), RssFile ${mb(maxFile)} MiB`);
    assert.equal(line.status, '0x0000');
    assert.equal(line.transcoded, false);
    assert.ok((line.bytes as number) > 2 * 1024 * MiB, `forwarded ${line.bytes} bytes`);
    assert.equal((await d.destination('pacs')).forwarded, 1);
    assert.ok(maxFile < 256 * MiB, `file-backed RSS ${mb(maxFile)} MiB: spool pages stay mapped`);
  } finally {
    clearInterval(sampler);
  }
});

test('… with the daemon\'s peak RSS (VmHWM) ≤ 96 MiB', () => {
  assert.ok(figures, 'the forwarding test ran');
  assert.ok(figures.VmHWM <= LIMIT, `peak RSS ${mb(figures.VmHWM)} MiB > 96 MiB (RssAnon max ${mb(figures.maxAnon)}, RssFile max ${mb(figures.maxFile)})`);
});
