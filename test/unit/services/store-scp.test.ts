import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Spool } from '../../../src/spool/index.js';
import { createStoreScp } from '../../../src/services/store-scp.js';
import { ReceiveStats } from '../../../src/services/receive-stats.js';
import { readPart10Info } from '../../../src/dicom/part10.js';
import type { StoreRequest } from '../../../src/net/types.js';
import { TESTDATA } from '../../helpers/testdata.js';
import { crcDigest } from '../../helpers/net.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function setup(maxBytes: number | null = null): Promise<{ spool: Spool; stats: ReceiveStats; store: ReturnType<typeof createStoreScp> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-store-'));
  dirs.push(dir);
  const spool = await Spool.open({ dir, maxBytes: maxBytes ?? 64 * 1024 * 1024, log });
  const stats = new ReceiveStats();
  const store = createStoreScp({ spool, stats, log, route: () => ['pacs'] });
  return { spool, stats, store };
}

async function fileRequest(rel: string): Promise<{ req: StoreRequest; dataset: Buffer }> {
  const p = path.join(TESTDATA, rel);
  const info = await readPart10Info(p);
  const req: StoreRequest = {
    assoc: { id: 'a1', callingAe: 'MODALITY', calledAe: 'PACSGATE', peerAddress: '127.0.0.1', peerPort: 5000, peerMaxPduLength: 16384 },
    presentationContextId: 1, abstractSyntax: info.sopClassUid, transferSyntax: info.transferSyntax, messageId: 1, priority: 0,
    affectedSopClassUid: info.sopClassUid, affectedSopInstanceUid: info.sopInstanceUid,
  };
  return { req, dataset: readFileSync(p).subarray(info.datasetOffset) };
}

async function feed(sink: ReturnType<ReturnType<typeof createStoreScp>>, data: Buffer, step: number): Promise<void> {
  for (let i = 0; i < data.length; i += step) await sink.write(data.subarray(i, i + step));
}

test('a dataset streamed in slices is stored durably, byte-identical, indexed and queued', async () => {
  const { spool, stats, store } = await setup();
  const { req, dataset } = await fileRequest('pydicom/CT_small.dcm');
  const sink = store(req);
  await feed(sink, dataset, 1000);
  assert.deepEqual(await sink.end(), { status: 0 });
  const rec = spool.findBySopInstanceUid(req.affectedSopInstanceUid)!;
  assert.equal(rec.digest, crcDigest(dataset));
  assert.equal(rec.modality, 'CT');
  assert.equal(rec.transferSyntax, req.transferSyntax);
  assert.ok(rec.studyInstanceUid && rec.seriesInstanceUid);
  assert.deepEqual(rec.destinations, ['pacs']);
  const back: Buffer[] = [];
  for await (const c of spool.readDataset(rec.id)) back.push(c);
  assert.ok(Buffer.concat(back).equals(dataset));
  assert.equal(stats.instances, 1);
  assert.equal(stats.bytes, dataset.length);
  await spool.close();
});

test('SOP Class in the dataset differs from the command: A900 and nothing stored', async () => {
  const { spool, stats, store } = await setup();
  const { req, dataset } = await fileRequest('pydicom/CT_small.dcm');
  const sink = store({ ...req, affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.4' });
  await feed(sink, dataset, 4096);
  const res = await sink.end();
  assert.equal(res.status, 0xa900);
  assert.match(res.errorComment!, /SOP Class/);
  assert.ok(res.errorComment!.length <= 64);
  assert.equal(spool.stats().instances, 0);
  assert.equal(stats.failed, 1);
  await spool.close();
});

test('truncated dataset: C000 with a comment, partial instance removed', async () => {
  const { spool, store } = await setup();
  const { req, dataset } = await fileRequest('pydicom/CT_small.dcm');
  const sink = store(req);
  await feed(sink, dataset.subarray(0, dataset.length - 100), 777);
  const res = await sink.end();
  assert.equal(res.status, 0xc000);
  assert.match(res.errorComment!, /malformed/);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(spool.stats().instances, 0);
  assert.equal(spool.verify().problems.length, 0);
  await spool.close();
});

test('spool full: A700 (Out of Resources), never Success, nothing partial left', async () => {
  const { spool, store } = await setup(1024 * 1024);
  const { req, dataset } = await fileRequest('pylibjpeg-data/ds/LittleEndianExplicit/OBXXXX1A_2frame.dcm'); // 966 KB: the second copy cannot fit in 1 MiB
  let last = 0;
  for (let i = 0; i < 4; i++) {
    const sink = store({ ...req });
    await feed(sink, dataset, 65536);
    last = (await sink.end()).status;
    if (last !== 0) break;
  }
  assert.equal(last, 0xa700);
  await spool.close();
});

test('abort mid-dataset discards the partial instance', async () => {
  const { spool, store } = await setup();
  const { req, dataset } = await fileRequest('pydicom/CT_small.dcm');
  const sink = store(req);
  await feed(sink, dataset.subarray(0, 20000), 5000);
  sink.abort('A-ABORT from peer');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(spool.stats().instances, 0);
  assert.equal(spool.findBySopInstanceUid(req.affectedSopInstanceUid), undefined);
  await spool.close();
});
