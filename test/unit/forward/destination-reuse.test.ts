// When an open association may be reused (found by the end-to-end reject test, issue 4): not after its
// transport closed, and not for a SOP Class it rejected — a dead-letter retry after the PACS learned
// the class must get a fresh association, not the old refusal.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Spool } from '../../../src/spool/index.js';
import { Destination, type ConnectOptions } from '../../../src/forward/destination.js';
import type { ScuAssociation, AcceptedContext } from '../../../src/net/types.js';
import type { DestinationConfig } from '../../../src/config/types.js';
import { readPart10Info } from '../../../src/dicom/part10.js';
import { TESTDATA } from '../../helpers/testdata.js';
import { oneAtATime } from '../../helpers/fake-scu.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const cfg: DestinationConfig = { name: 'pacs', aeTitle: 'PACS', host: '127.0.0.1', port: 1, callingAeTitle: 'PACSGATE', maxPduLength: 65536, transferSyntaxes: [], concurrency: 1 };
// Idle release far away: the association stays open between batches unless it ends.
const slowRelease = { backoff: { baseMs: 20, maxMs: 200, jitter: 0 }, pollMs: 10, idleReleaseMs: 60_000 };
const CT = '1.2.840.10008.5.1.4.1.1.2';

async function store(spool: Spool, rel: string, uidSuffix = ''): Promise<{ id: number; uid: string }> {
  const info = await readPart10Info(path.join(TESTDATA, rel));
  const uid = info.sopInstanceUid + uidSuffix;
  const w = spool.beginInstance({ sopClassUid: info.sopClassUid, sopInstanceUid: uid, transferSyntax: info.transferSyntax, callingAe: 'M', calledAe: 'G', peer: 'x' });
  await w.write(readFileSync(path.join(TESTDATA, rel)).subarray(info.datasetOffset));
  const r = await w.commit({}, ['pacs']);
  return { id: r.id, uid };
}

/** A PACS whose accepted classes can change; `closeAll()` ends every open association's transport. */
function pacs(acceptClass: (c: string) => boolean) {
  const received: string[] = [];
  const open: Array<() => void> = [];
  let connects = 0;
  const connect = async (o: ConnectOptions): Promise<ScuAssociation> => {
    connects++;
    const accepted: AcceptedContext[] = [];
    o.contexts.forEach((c, i) => { if (acceptClass(c.abstractSyntax)) accepted.push({ id: 2 * i + 1, abstractSyntax: c.abstractSyntax, transferSyntax: c.transferSyntaxes[0] }); });
    let ended = false;
    let end!: () => void;
    const closed = new Promise<void>((r) => { end = () => { ended = true; r(); }; });
    open.push(end);
    return {
      info: { id: `a${connects}`, callingAe: o.callingAe, calledAe: o.calledAe, peerAddress: o.host, peerPort: o.port, peerMaxPduLength: 0 },
      accepted,
      echo: async () => 0,
      store: oneAtATime(async (req) => {
        if (ended) throw Object.assign(new Error('transport closed'), { code: 'GW_ERR_ASSOC_ABORTED' });
        for await (const _ of req.dataset) { /* drain */ }
        received.push(req.sopInstanceUid);
        return { status: 0 };
      }),
      release: async () => end(),
      abort: () => end(),
      closed,
    };
  };
  return { connect, received, connects: () => connects, closeAll: () => { for (const e of open) e(); } };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a dead-letter retry after the PACS learned the class opens a new association and delivers', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-fwd-reuse-'));
  dirs.push(dir);
  const spool = await Spool.open({ dir, maxBytes: 64 * 1024 * 1024, log });
  let mrAccepted = false;
  const p = pacs((c) => c === CT || mrAccepted);
  const d = new Destination(cfg, { spool, connect: p.connect, log, ...slowRelease });
  const ct = await store(spool, 'pydicom/CT_small.dcm');
  const mr = await store(spool, 'pydicom/MR_small.dcm');
  d.start(); // one batch, one association: CT accepted, MR rejected
  t.after(() => d.stop());
  await until(() => p.received.length === 1 && spool.listDead('pacs').length === 1);
  assert.deepEqual(p.received, [ct.uid]);
  assert.equal(p.connects(), 1);
  mrAccepted = true;
  assert.ok(await spool.retryDead('pacs', mr.id));
  d.wake();
  await until(() => p.received.length === 2 || (spool.listDead('pacs').length === 1 && d.failed > 1));
  await d.stop();
  assert.deepEqual(p.received, [ct.uid, mr.uid], 'MR delivered after the retry');
  assert.equal(p.connects(), 2, 'a fresh association for the class the first one rejected');
  assert.equal(spool.listDead('pacs').length, 0);
  await spool.close();
});

test('an association whose transport closed is not reused for the next batch', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-fwd-reuse-'));
  dirs.push(dir);
  const spool = await Spool.open({ dir, maxBytes: 64 * 1024 * 1024, log });
  const p = pacs(() => true);
  const d = new Destination(cfg, { spool, connect: p.connect, log, ...slowRelease });
  d.start();
  t.after(() => d.stop());
  const a = await store(spool, 'pydicom/CT_small.dcm');
  d.wake();
  await until(() => p.received.length === 1);
  p.closeAll(); // the peer went away between batches
  await new Promise((r) => setTimeout(r, 20));
  const b = await store(spool, 'pydicom/CT_small.dcm', '.2'); // same contexts: the old association would do
  d.wake();
  await until(() => p.received.length === 2, 3000).catch(() => undefined);
  await d.stop();
  assert.deepEqual(p.received, [a.uid, b.uid]);
  assert.equal(p.connects(), 2);
  assert.equal(d.connectAttempts, 2);
  assert.equal(d.lastError, null, 'no store attempted on the dead association (no failure, no back-off)');
  await spool.close();
});
