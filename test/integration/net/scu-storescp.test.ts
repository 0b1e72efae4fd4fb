// Our SCU against DCMTK storescp (+B bit-preserving, temp dir): C-ECHO and C-STORE; the stored
// files' data sets must equal what we streamed, and dcmdump must read them.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openAssociation } from '../../../src/net/scu.js';
import { VERIFICATION_SOP_CLASS } from '../../../src/net/dimse/messages.js';
import { pieces, readMeta, run, sha256, silentLog, TESTDATA, TS } from '../../helpers/net.js';

let storescp: ChildProcess;
let port = 0;
const dir = mkdtempSync(path.join(tmpdir(), 'pg-storescp-'));

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

async function waitListening(p: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((res) => {
      const c = net.connect(p, '127.0.0.1', () => (c.destroy(), res(true)));
      c.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('storescp did not start');
}

before(async () => {
  port = await freePort();
  storescp = spawn('storescp', ['+B', '+xa', '--max-pdu', '16384', '-aet', 'STORESCP', '-od', dir, String(port)], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    storescp.once('error', (e) => reject(new Error(`storescp could not start (DCMTK needed): ${e.message}`)));
    waitListening(port).then(resolve, reject);
  });
});
after(() => {
  storescp?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const FILES = [
  path.join(TESTDATA, 'pydicom', 'CT_small.dcm'),
  path.join(TESTDATA, 'pydicom', 'MR_small_implicit.dcm'),
  path.join(TESTDATA, 'pylibjpeg-data', 'ds', 'LittleEndianExplicit', 'OBXXXX1A.dcm'),
  path.join(TESTDATA, 'pylibjpeg-data', 'ds', 'JPEGLosslessSV1', 'SC_rgb_jpeg_gdcm.dcm'),
];

test('C-ECHO to storescp', async () => {
  const a = await openAssociation({ host: '127.0.0.1', port, callingAe: 'PACSGATE', calledAe: 'STORESCP', contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [TS.IMPLICIT_LE] }], log: silentLog() });
  assert.equal(a.info.peerMaxPduLength, 16384);
  assert.equal(await a.echo(5000), 0);
  await a.release();
});

test('C-STORE of four files to storescp (peer max PDU 16 KiB): stored data sets equal what we sent', async () => {
  const metas = FILES.map((f) => ({ f, buf: readFileSync(f), ...readMeta(readFileSync(f)) }));
  const a = await openAssociation({
    host: '127.0.0.1', port, callingAe: 'PACSGATE', calledAe: 'STORESCP', log: silentLog(),
    contexts: metas.map((m) => ({ abstractSyntax: m.sopClassUid, transferSyntaxes: [m.transferSyntax] })),
  });
  assert.equal(a.accepted.length, metas.length);
  for (const m of metas) {
    const r = await a.store({
      abstractSyntax: m.sopClassUid, transferSyntax: m.transferSyntax, sopClassUid: m.sopClassUid, sopInstanceUid: m.sopInstanceUid,
      dataset: pieces(m.buf.subarray(m.datasetOffset), 50000), timeoutMs: 20000,
    });
    assert.equal(r.status, 0, path.basename(m.f));
  }
  await a.release();
  await a.closed;
  const stored = readdirSync(dir).map((n) => path.join(dir, n));
  assert.equal(stored.length, metas.length);
  const byUid = new Map(stored.map((s) => [readMeta(readFileSync(s)).sopInstanceUid, s]));
  for (const m of metas) {
    const s = byUid.get(m.sopInstanceUid);
    assert.ok(s, `stored ${m.sopInstanceUid}`);
    const sb = readFileSync(s);
    assert.equal(sha256(sb.subarray(readMeta(sb).datasetOffset)), sha256(m.buf.subarray(m.datasetOffset)), path.basename(m.f));
    const d = await run('dcmdump', ['-q', s]);
    assert.equal(d.code, 0, d.stderr);
  }
});

test('store on a context that was not accepted fails with GW_ERR_ASSOC_STATE', async () => {
  const a = await openAssociation({ host: '127.0.0.1', port, callingAe: 'PACSGATE', calledAe: 'STORESCP', contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [TS.IMPLICIT_LE] }], log: silentLog() });
  await assert.rejects(a.store({ abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntax: TS.EXPLICIT_LE, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3', dataset: [Buffer.alloc(8)] }), { code: 'GW_ERR_ASSOC_STATE' });
  await a.release();
});
