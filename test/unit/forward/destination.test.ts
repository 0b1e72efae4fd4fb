import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Spool } from '../../../src/spool/index.js';
import type { ChunkLease } from '../../../src/spool/chunk-pool.js';
import { Destination, type ConnectOptions } from '../../../src/forward/destination.js';
import type { ScuAssociation, AcceptedContext } from '../../../src/net/types.js';
import type { DestinationConfig } from '../../../src/config/types.js';
import { readPart10Info } from '../../../src/dicom/part10.js';
import { DatasetReader } from '../../../src/dicom/reader.js';
import { TESTDATA } from '../../helpers/testdata.js';
import { oneAtATime } from '../../helpers/fake-scu.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const cfg = (over: Partial<DestinationConfig> = {}): DestinationConfig => ({
  name: 'pacs', aeTitle: 'PACS', host: '127.0.0.1', port: 1, callingAeTitle: 'PACSGATE', maxPduLength: 65536, transferSyntaxes: [], concurrency: 1, ...over,
});
const fast = { backoff: { baseMs: 20, maxMs: 200, jitter: 0 }, pollMs: 10, idleReleaseMs: 50 };

async function spoolWith(files: string[], copies = 1): Promise<{ spool: Spool; datasets: Map<string, Buffer> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-fwd-'));
  dirs.push(dir);
  const spool = await Spool.open({ dir, maxBytes: 256 * 1024 * 1024, log });
  const datasets = new Map<string, Buffer>();
  for (let c = 0; c < copies; c++) {
    for (const rel of files) {
      const info = await readPart10Info(path.join(TESTDATA, rel));
      const ds = readFileSync(path.join(TESTDATA, rel)).subarray(info.datasetOffset);
      const uid = copies > 1 ? `${info.sopInstanceUid}.${c}` : info.sopInstanceUid;
      const w = spool.beginInstance({ sopClassUid: info.sopClassUid, sopInstanceUid: uid, transferSyntax: info.transferSyntax, callingAe: 'M', calledAe: 'G', peer: 'x' });
      await w.write(ds);
      await w.commit({ seriesInstanceUid: `s${c % 3}` }, ['pacs']);
      datasets.set(uid, ds);
    }
  }
  return { spool, datasets };
}

/** A fake PACS: accepts the contexts `accept` allows, answers each store with `respond`. */
function fakePacs(opts: { accept?: (abstract: string, ts: string) => boolean; respond?: (n: number) => number | Promise<number>; down?: () => boolean }) {
  const received: Array<{ uid: string; ts: string; bytes: Buffer }> = [];
  let connects = 0;
  let n = 0;
  /** C-STOREs asked for (queued ones included), and how many had been asked when each response was made. */
  let calls = 0;
  const callsAtResponse: number[] = [];
  const connect = async (o: ConnectOptions): Promise<ScuAssociation> => {
    connects++;
    if (opts.down?.()) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'GW_ERR_CONNECT' });
    const accepted: AcceptedContext[] = [];
    o.contexts.forEach((c, i) => {
      const ts = c.transferSyntaxes.find((t) => (opts.accept ?? (() => true))(c.abstractSyntax, t));
      if (ts) accepted.push({ id: 2 * i + 1, abstractSyntax: c.abstractSyntax, transferSyntax: ts });
    });
    const one = oneAtATime(async (req) => {
      const parts: Buffer[] = [];
      for await (const c of req.dataset) parts.push(Buffer.from(c));
      received.push({ uid: req.sopInstanceUid, ts: req.transferSyntax, bytes: Buffer.concat(parts) });
      await new Promise((r) => setImmediate(r)); // the response comes in a later event turn, as from a socket
      callsAtResponse.push(calls);
      return { status: await (opts.respond ?? (() => 0))(n++) };
    });
    return {
      info: { id: 'x', callingAe: o.callingAe, calledAe: o.calledAe, peerAddress: o.host, peerPort: o.port, peerMaxPduLength: 0 },
      accepted,
      echo: async () => 0,
      store: (req) => {
        calls++;
        return one(req);
      },
      release: async () => {},
      abort: () => {},
      closed: Promise.resolve(),
    };
  };
  return { connect, received, connects: () => connects, callsAtResponse };
}

async function pixelData(buf: Buffer, datasetTs?: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const r = new DatasetReader({ bulkData: (e, c) => { if (e.tag === 0x7fe00010) parts.push(Buffer.from(c)); } },
    datasetTs ? { format: 'dataset', transferSyntax: datasetTs } : {});
  r.write(buf);
  await r.end();
  return Buffer.concat(parts);
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('delivers byte-identical when the syntax is accepted, in arrival order, and empties the queue', async () => {
  const files = ['pydicom/CT_small.dcm', 'pydicom/MR_small.dcm', 'pydicom/rtplan.dcm']; // distinct SOP Instance UIDs
  const { spool, datasets } = await spoolWith(files);
  const pacs = fakePacs({});
  const d = new Destination(cfg(), { spool, connect: pacs.connect, log, ...fast });
  d.start();
  await until(() => pacs.received.length === 3 && (spool.stats().queued.pacs ?? 0) === 0);
  await d.stop();
  for (const r of pacs.received) assert.ok(r.bytes.equals(datasets.get(r.uid)!), `${r.uid} byte-identical`);
  assert.deepEqual(pacs.received.map((r) => r.uid), [...datasets.keys()]);
  assert.equal(d.forwarded, 3);
  assert.equal(pacs.connects(), 1, 'one association for the whole batch');
  assert.equal(await spool.sweep(), 3, 'delivered instances leave the spool at the next sweep');
  assert.equal(spool.stats().instances, 0);
  await spool.close();
});

test('an instance on the wire: isSending() is true and its queue entry stays queued; once delivered, neither', async () => {
  const { spool } = await spoolWith(['pydicom/CT_small.dcm', 'pydicom/MR_small.dcm'], 3); // six: more than one bookkeeping batch
  const seen: Array<{ sending: boolean; state?: string }> = [];
  const ids: number[] = [];
  const pacs = fakePacs({
    respond: () => {
      const id = spool.findBySopInstanceUid(pacs.received[pacs.received.length - 1].uid)!.id;
      ids.push(id);
      seen.push({ sending: d.isSending(id), state: spool.entry('pacs', id)?.state });
      return 0;
    },
  });
  const d = new Destination(cfg(), { spool, connect: pacs.connect, log, ...fast });
  d.start();
  await until(() => pacs.received.length === 6 && (spool.stats().queued.pacs ?? 0) === 0);
  await d.stop();
  assert.deepEqual(seen, Array(6).fill({ sending: true, state: 'queued' }));
  assert.deepEqual(ids.map((id) => d.isSending(id)), Array(6).fill(false));
  assert.deepEqual(ids.map((id) => spool.entry('pacs', id)?.state), Array(6).fill('forwarded'), 'every delivery recorded (the last batch is not full)');
  await spool.close();
});

test('the next C-STORE waits queued behind the one on the wire; one whose entry left the queue meanwhile is not sent', async () => {
  const files = ['pydicom/CT_small.dcm', 'pydicom/MR_small.dcm', 'pydicom/rtplan.dcm'];
  const { spool, datasets } = await spoolWith(files);
  const second = spool.findBySopInstanceUid([...datasets.keys()][1])!.id;
  const pacs = fakePacs({
    respond: async (n) => {
      // While the first is answered, an operator moves the second to the dead letters (any change
      // that takes an entry out of 'queued' would do): its queued C-STORE must then send nothing.
      if (n === 0) await spool.markFailed('pacs', second, { error: 'held by an operator', permanent: true });
      return 0;
    },
  });
  const d = new Destination(cfg(), { spool, connect: pacs.connect, log, ...fast });
  d.start();
  try {
    await until(() => pacs.received.length >= 2 && (spool.stats().queued.pacs ?? 0) === 0);
  } finally {
    await d.stop();
  }
  assert.equal(pacs.callsAtResponse[0], 2, 'the second C-STORE was already queued when the first was answered');
  const uids = [...datasets.keys()];
  assert.deepEqual(pacs.received.map((r) => r.uid), [uids[0], uids[2]]);
  assert.equal(d.forwarded, 2);
  assert.equal(spool.entry('pacs', second)?.state, 'dead');
  assert.equal(d.isSending(second), false);
  await spool.close();
});

test('big-endian input goes out as Explicit VR LE when the PACS takes only that', async () => {
  const { spool } = await spoolWith(['pydicom/MR_small_bigendian.dcm']);
  const pacs = fakePacs({ accept: (_a, ts) => ts === '1.2.840.10008.1.2.1' });
  const d = new Destination(cfg(), { spool, connect: pacs.connect, log, ...fast });
  d.start();
  await until(() => pacs.received.length === 1);
  await d.stop();
  assert.equal(pacs.received[0].ts, '1.2.840.10008.1.2.1');
  const le = readFileSync(path.join(TESTDATA, 'pydicom/MR_small.dcm'));
  assert.ok((await pixelData(pacs.received[0].bytes, '1.2.840.10008.1.2.1')).equals(await pixelData(le)), 'pixel data equals the little-endian twin');
  await spool.close();
});

test('permanent status → dead letter with the status; transient → retried; the rest keeps flowing', async () => {
  const { spool } = await spoolWith(['pydicom/CT_small.dcm', 'pydicom/MR_small.dcm', 'pydicom/rtplan.dcm']);
  const pacs = fakePacs({ respond: (n) => (n === 0 ? 0xa900 : n === 1 ? 0xa700 : 0) });
  const d = new Destination(cfg(), { spool, connect: pacs.connect, log, ...fast });
  d.start();
  await until(() => spool.listDead('pacs').length === 1 && (spool.stats().queued.pacs ?? 0) === 0);
  await d.stop();
  const dead = spool.listDead('pacs');
  assert.equal(dead[0].lastStatus, 0xa900);
  assert.match(dead[0].lastError!, /A900/);
  assert.equal(d.forwarded, 2, 'the A700 one was retried and delivered');
  assert.equal(pacs.received.length, 4);
  assert.equal(d.failed, 2, 'two failed attempts: the A900 and the A700');
  await spool.close();
});

test('a chunk the spool cannot read → dead letter ("reading the spool failed"); the rest keeps flowing', async () => {
  const { spool, datasets } = await spoolWith(['pydicom/CT_small.dcm', 'pydicom/MR_small.dcm', 'pydicom/rtplan.dcm']);
  const broken = spool.nextQueued('pacs', Date.now(), 10)[1].record;
  // The instance queued second cannot be read back (a chunk gone).
  const view = Object.assign(Object.create(spool) as Spool, {
    readDataset(id: number, lease?: ChunkLease): AsyncIterable<Buffer> {
      if (id !== broken.id) return spool.readDataset(id, lease);
      return (async function* gone(): AsyncGenerator<Buffer> {
        throw Object.assign(new Error(`spool instance ${id} chunk 0 is gone`), { code: 'GW_ERR_SPOOL_NOT_FOUND' });
      })();
    },
  });
  const pacs = fakePacs({});
  const d = new Destination(cfg(), { spool: view, connect: pacs.connect, log, ...fast });
  d.start();
  await until(() => spool.listDead('pacs').length === 1 && (spool.stats().queued.pacs ?? 0) === 0);
  await d.stop();
  const dead = spool.listDead('pacs');
  assert.equal(dead[0].id, broken.id);
  assert.match(dead[0].lastError!, /^reading the spool failed: spool instance \d+ chunk 0 is gone/);
  const delivered = pacs.received.filter((r) => r.uid !== broken.sopInstanceUid);
  assert.equal(delivered.length, 2);
  for (const r of delivered) assert.ok(r.bytes.equals(datasets.get(r.uid)!), `${r.uid} byte-identical`);
  await spool.close();
});

test('PACS down: back-off then circuit breaker, bounded connects, drains by itself when back', async () => {
  const { spool } = await spoolWith(['pydicom/CT_small.dcm'], 6);
  let down = true;
  const pacs = fakePacs({ down: () => down });
  const d = new Destination(cfg({ concurrency: 3 }), { spool, connect: pacs.connect, log, backoff: { baseMs: 40, maxMs: 160, jitter: 0 }, pollMs: 5, idleReleaseMs: 50 });
  d.start();
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(d.state, 'circuit-open');
  assert.match(d.lastError!, /ECONNREFUSED/);
  // 40, 80, 160, 160, ... ms: about 8 attempts in a second, never one per lane per poll.
  assert.ok(pacs.connects() <= 12, `connect attempts in 1 s: ${pacs.connects()}`);
  assert.equal(spool.stats().queued.pacs, 6, 'nothing lost while down');
  down = false;
  await until(() => (spool.stats().queued.pacs ?? 0) === 0);
  await d.stop();
  assert.equal(d.forwarded, 6);
  await spool.close();
});

test('a SOP class the PACS does not accept is dead-lettered with the reason', async () => {
  const { spool } = await spoolWith(['pydicom/CT_small.dcm', 'pydicom/MR_small.dcm']);
  const pacs = fakePacs({ accept: (a) => a !== '1.2.840.10008.5.1.4.1.1.4' });
  const d = new Destination(cfg(), { spool, connect: pacs.connect, log, ...fast });
  d.start();
  await until(() => spool.listDead('pacs').length === 1 && (spool.stats().queued.pacs ?? 0) === 0);
  await d.stop();
  assert.match(spool.listDead('pacs')[0].lastError!, /no presentation context for SOP Class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.4/);
  assert.equal(pacs.received.length, 1);
  await spool.close();
});

test('JPEG Lossless and RLE input is decoded on the way out when the PACS takes only native syntaxes', async () => {
  const { spool } = await spoolWith(['pylibjpeg-data/ds/JPEGLosslessSV1/SC_rgb_jpeg_gdcm.dcm', 'pylibjpeg-data/ds/RLELossless/MR_small_RLE.dcm']);
  const pacs = fakePacs({ accept: (_a, ts) => ts === '1.2.840.10008.1.2' });
  const d = new Destination(cfg(), { spool, connect: pacs.connect, log, ...fast });
  d.start();
  await until(() => pacs.received.length === 2);
  await d.stop();
  assert.deepEqual(pacs.received.map((r) => r.ts), ['1.2.840.10008.1.2', '1.2.840.10008.1.2']);
  const twin = readFileSync(path.join(TESTDATA, 'pylibjpeg-data/ds/LittleEndianExplicit/SC_rgb.dcm'));
  assert.ok((await pixelData(pacs.received[0].bytes, '1.2.840.10008.1.2')).equals(await pixelData(twin)), 'JPEG decode equals the uncompressed twin');
  const mr = readFileSync(path.join(TESTDATA, 'pydicom/MR_small.dcm'));
  assert.ok((await pixelData(pacs.received[1].bytes, '1.2.840.10008.1.2')).equals(await pixelData(mr)), 'RLE decode equals the uncompressed twin');
  assert.equal(d.forwarded, 2);
  await spool.close();
});

test('compress: "jpeg-lossless" sends grayscale native images as JPEG Lossless SV1 when accepted, colour as received', async () => {
  const { spool } = await spoolWith(['pydicom/CT_small.dcm', 'pylibjpeg-data/ds/LittleEndianExplicit/SC_rgb.dcm']);
  const pacs = fakePacs({});
  const d = new Destination(cfg({ compress: 'jpeg-lossless' }), { spool, connect: pacs.connect, log, ...fast });
  d.start();
  await until(() => pacs.received.length === 2);
  await d.stop();
  assert.deepEqual(pacs.received.map((r) => r.ts), ['1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.1']);
  const ct = readFileSync(path.join(TESTDATA, 'pydicom/CT_small.dcm'));
  assert.ok(pacs.received[0].bytes.length < ct.length * 0.8, 'smaller on the wire');
  await spool.close();
});

test('contexts are proposed once per SOP Class and syntax, also with a single configured fallback syntax', async () => {
  const { spool } = await spoolWith(['pydicom/CT_small.dcm'], 3);
  const proposed: number[] = [];
  const pacs = fakePacs({});
  const connect = (o: ConnectOptions): Promise<ScuAssociation> => {
    proposed.push(o.contexts.length);
    return pacs.connect(o);
  };
  const d = new Destination(cfg({ transferSyntaxes: ['1.2.840.10008.1.2'] }), { spool, connect, log, ...fast });
  d.start();
  await until(() => pacs.received.length === 3);
  await d.stop();
  assert.deepEqual(proposed, [2], 'CT as received + the fallback, once, for all three instances');
  await spool.close();
});

test('without "compress", a native instance is never encoded, even when the PACS only accepts a compressed syntax', async () => {
  const { spool } = await spoolWith(['pydicom/CT_small.dcm']);
  const pacs = fakePacs({ accept: (_a, ts) => ts === '1.2.840.10008.1.2.4.70' });
  // A context in JPEG Lossless SV1 for the CT class is proposed when a JPEG instance of that class is queued too.
  const connect = (o: ConnectOptions): Promise<ScuAssociation> =>
    pacs.connect({ ...o, contexts: [...o.contexts, { abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.4.70'] }] });
  const d = new Destination(cfg(), { spool, connect, log, ...fast });
  d.start();
  await until(() => spool.listDead('pacs').length === 1);
  await d.stop();
  assert.equal(pacs.received.length, 0);
  assert.match(spool.listDead('pacs')[0].lastError!, /cannot transcode/);
  await spool.close();
});
