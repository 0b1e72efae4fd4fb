// Our SCU against our SCP: association rejects (Table 9-21 fields), limits, streaming store with a
// slow sink (back-pressure), release, and the `pacsgate echo` CLI.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startDicomServer, type DicomServer } from '../../../src/net/server.js';
import { openAssociation, type OpenAssociationOptions } from '../../../src/net/scu.js';
import { VERIFICATION_SOP_CLASS } from '../../../src/net/dimse/messages.js';
import type { ScpPolicy } from '../../../src/net/types.js';
import { hashingHandlers, pieces, readMeta, ROOT, run, sha256, silentLog, testPolicy, TESTDATA, TS } from '../../helpers/net.js';
import { encodePdu } from '../../../src/net/pdu/codec.js';
import { decodeCommandSet } from '../../../src/dicom/command-set.js';
import { storeRsp } from '../../../src/net/dimse/messages.js';
import { commandPdu, ScriptedPeer } from '../../peers/scripted-peer.js';

let server: DicomServer;
let policy: ScpPolicy = testPolicy();
const handlers = hashingHandlers({ delayMs: 2 });
before(async () => {
  server = await startDicomServer({ host: '127.0.0.1', port: 0, policy: () => policy, handlers, log: silentLog() });
});
after(async () => server.close(1000));

const ECHO = [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [TS.IMPLICIT_LE] }];
const open = (o: Partial<OpenAssociationOptions> = {}) =>
  openAssociation({ host: '127.0.0.1', port: server.port, callingAe: 'SCU', calledAe: 'PACSGATE', contexts: ECHO, log: silentLog(), ...o });

test('echo and release', async () => {
  const a = await open();
  assert.equal(await a.echo(), 0);
  assert.equal(a.info.implementationVersionName?.startsWith('PACSGATE'), true);
  await a.release();
  await a.closed;
});

test('wrong called AE with strict check → GW_ERR_ASSOC_REJECTED 1/1/7', async () => {
  policy = testPolicy({ calledAeCheck: 'strict' });
  try {
    await assert.rejects(open({ calledAe: 'NOTUS' }), { code: 'GW_ERR_ASSOC_REJECTED', result: 1, source: 1, reason: 7 });
    const a = await open();
    await a.release();
  } finally {
    policy = testPolicy();
  }
});

test('calling AE not on the allow-list → 1/1/3', async () => {
  policy = testPolicy({ allow: [{ aeTitle: 'GOOD', host: '127.0.0.1' }] });
  try {
    await assert.rejects(open({ callingAe: 'BAD' }), { code: 'GW_ERR_ASSOC_REJECTED', result: 1, source: 1, reason: 3 });
    const a = await open({ callingAe: 'GOOD' });
    await a.release();
  } finally {
    policy = testPolicy();
  }
});

test('too many associations (total, then per calling AE) → 2/3/2 (transient, local-limit-exceeded)', async () => {
  policy = testPolicy({ maxAssociations: 1 });
  try {
    const a = await open();
    assert.equal(server.activeAssociations(), 1);
    await assert.rejects(open({ callingAe: 'OTHER' }), { code: 'GW_ERR_ASSOC_REJECTED', result: 2, source: 3, reason: 2 });
    await a.release();
    policy = testPolicy({ maxAssociationsPerAe: 1 });
    const b = await open();
    await assert.rejects(open(), { code: 'GW_ERR_ASSOC_REJECTED', result: 2, source: 3, reason: 2 });
    const c = await open({ callingAe: 'OTHER' });
    await Promise.all([b.release(), c.release()]);
  } finally {
    policy = testPolicy();
  }
});

test('connect refused → GW_ERR_CONNECT', async () => {
  await assert.rejects(openAssociation({ host: '127.0.0.1', port: 1, callingAe: 'SCU', calledAe: 'X', contexts: ECHO, log: silentLog() }), { code: 'GW_ERR_CONNECT' });
});

test('a silent acceptor → GW_ERR_TIMEOUT', async () => {
  const net = await import('node:net');
  const silent = net.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as import('node:net').AddressInfo).port;
  try {
    await assert.rejects(openAssociation({ host: '127.0.0.1', port, callingAe: 'SCU', calledAe: 'X', contexts: ECHO, artimTimeoutMs: 300, connectTimeoutMs: 1000, log: silentLog() }), { code: 'GW_ERR_TIMEOUT' });
  } finally {
    silent.close();
  }
});

test('store to our SCP with small PDUs and a slow sink: bytes arrive intact, in order', async () => {
  policy = testPolicy({ maxPduLength: 8192 });
  try {
    const file = path.join(TESTDATA, 'pylibjpeg-data', 'ds', 'LittleEndianExplicit', 'OBXXXX1A.dcm');
    const buf = readFileSync(file);
    const m = readMeta(buf);
    const a = await open({ contexts: [{ abstractSyntax: m.sopClassUid, transferSyntaxes: [m.transferSyntax] }], maxPduLength: 4096 });
    assert.equal(a.info.peerMaxPduLength, 8192);
    const before = handlers.received.length;
    const r = await a.store({ abstractSyntax: m.sopClassUid, transferSyntax: m.transferSyntax, sopClassUid: m.sopClassUid, sopInstanceUid: m.sopInstanceUid, dataset: pieces(buf.subarray(m.datasetOffset), 100000), timeoutMs: 60000 });
    assert.equal(r.status, 0);
    await a.release();
    const got = handlers.received[before];
    assert.equal(got.sha256, sha256(buf.subarray(m.datasetOffset)));
    assert.ok(got.chunks >= Math.floor(got.bytes / 8192), 'many PDV slices (each paused the socket)');
  } finally {
    policy = testPolicy();
  }
});

test('a store whose SOP class differs from the context gets a failure status, not success', async () => {
  const CT = '1.2.840.10008.5.1.4.1.1.2';
  const a = await open({ contexts: [{ abstractSyntax: CT, transferSyntaxes: [TS.EXPLICIT_LE] }] });
  const r = await a.store({ abstractSyntax: CT, transferSyntax: TS.EXPLICIT_LE, sopClassUid: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUid: '1.2.3', dataset: [Buffer.alloc(16)] });
  assert.equal(r.status, 0x0122);
  await a.release();
});

test('three C-STOREs queued at once run one at a time, in order; one whose proceed() says no sends nothing', async () => {
  const CT = '1.2.840.10008.5.1.4.1.1.2';
  const a = await open({ contexts: [{ abstractSyntax: CT, transferSyntaxes: [TS.EXPLICIT_LE] }] });
  const before = handlers.received.length;
  const asked: string[] = [];
  const store = (uid: string, go: boolean) => a.store({
    abstractSyntax: CT, transferSyntax: TS.EXPLICIT_LE, sopClassUid: CT, sopInstanceUid: uid, dataset: [Buffer.alloc(64)],
    proceed: () => {
      // Asked when its turn comes: every earlier C-STORE has its response by then.
      asked.push(`${uid}@${handlers.received.length - before}`);
      return go;
    },
  });
  const [r1, r2, r3] = await Promise.all([store('1.2.3.1', true), store('1.2.3.2', false), store('1.2.3.3', true)]);
  assert.deepEqual([r1.status, r3.status], [0, 0]);
  assert.deepEqual(r2, { status: 0xffff, skipped: true });
  assert.deepEqual(asked, ['1.2.3.1@0', '1.2.3.2@1', '1.2.3.3@1']);
  assert.deepEqual(handlers.received.slice(before).map((r) => r.req.affectedSopInstanceUid), ['1.2.3.1', '1.2.3.3']);
  await a.release();
});

test('onDatasetReleased: the prefixes it reports are with the kernel (overwriting them at once corrupts nothing)', async () => {
  // The forwarder reuses a data set's buffers as soon as this callback names their bytes (ChunkLease).
  // Here every released piece is overwritten at once: a callback that ran ahead of the socket would
  // change what the SCP hashes. A slow sink keeps the socket backed up so most groups wait for drain.
  const CT = '1.2.840.10008.5.1.4.1.1.2';
  const total = 6 * 1024 * 1024 + 12345;
  const original = Buffer.alloc(total);
  for (let i = 0; i + 4 <= total; i += 4) original.writeUInt32LE(i, i);
  const PIECE = 100_000;
  const live: Array<{ end: number; buf: Buffer }> = [];
  let yielded = 0;
  const reports: number[] = [];
  const source = (function* copies(): Generator<Buffer> {
    for (let i = 0; i < total; i += PIECE) {
      const buf = Buffer.from(original.subarray(i, i + PIECE)); // a copy the "source" owns
      yielded += buf.length;
      live.push({ end: yielded, buf });
      yield buf;
    }
  })();
  const onDatasetReleased = (n: number): void => {
    assert.ok(n <= yielded, `released ${n} > yielded ${yielded}`);
    assert.ok(reports.length === 0 || n >= reports[reports.length - 1], 'released prefixes never shrink');
    reports.push(n);
    while (live.length > 0 && live[0].end <= n) live.shift()!.buf.fill(0xee);
  };
  handlers.opts.delayMs = 1;
  try {
    const a = await open({ contexts: [{ abstractSyntax: CT, transferSyntaxes: [TS.EXPLICIT_LE] }] });
    const before = handlers.received.length;
    const r = await a.store({ abstractSyntax: CT, transferSyntax: TS.EXPLICIT_LE, sopClassUid: CT, sopInstanceUid: '1.2.3.4', dataset: source, onDatasetReleased, timeoutMs: 60000 });
    assert.equal(r.status, 0);
    await a.release();
    const got = handlers.received[before];
    assert.equal(got.bytes, total);
    assert.equal(got.sha256, sha256(original), 'what was released early was no longer needed');
    assert.ok(reports.length >= 4, `released ${reports.length} times`);
    assert.ok(reports[reports.length - 1] > total / 2, 'most of the data set was released during the send');
  } finally {
    handlers.opts.delayMs = 2;
  }
});

test('pacsgate echo CLI: exit 0 and the status line', async () => {
  const r = await run(process.execPath, [path.join(ROOT, 'bin', 'pacsgate.js'), 'echo', '--calling', 'CLI', '--timeout', '5', `PACSGATE@127.0.0.1:${server.port}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /status 0x0000 \(Success\), round trip [\d.]+ ms/);
  const bad = await run(process.execPath, [path.join(ROOT, 'bin', 'pacsgate.js'), 'echo', '--timeout', '2', 'X@127.0.0.1:1']);
  assert.equal(bad.code, 1);
});

test('1 MiB PDUs both ways (DCMTK 3.6.7 caps --max-pdu at 131072, so our SCU is the peer here)', async () => {
  policy = testPolicy({ maxPduLength: 1048576 });
  try {
    const file = path.join(TESTDATA, 'pylibjpeg-data', 'ds', 'JPEGLosslessSV1', 'RG2_JPLL.dcm');
    const buf = readFileSync(file);
    const m = readMeta(buf);
    const a = await open({ contexts: [{ abstractSyntax: m.sopClassUid, transferSyntaxes: [m.transferSyntax] }], maxPduLength: 1048576 });
    assert.equal(a.info.peerMaxPduLength, 1048576);
    const before = handlers.received.length;
    const r = await a.store({ abstractSyntax: m.sopClassUid, transferSyntax: m.transferSyntax, sopClassUid: m.sopClassUid, sopInstanceUid: m.sopInstanceUid, dataset: [buf.subarray(m.datasetOffset)] });
    assert.equal(r.status, 0);
    await a.release();
    assert.equal(handlers.received[before].sha256, sha256(buf.subarray(m.datasetOffset)));
  } finally {
    policy = testPolicy();
  }
});

test('a data set source that fails mid-way aborts the association; the SCP sink is aborted', async () => {
  const CT = '1.2.840.10008.5.1.4.1.1.2';
  const abortedBefore = handlers.aborted.length;
  const a = await open({ contexts: [{ abstractSyntax: CT, transferSyntaxes: [TS.EXPLICIT_LE] }], maxPduLength: 4096 });
  async function* failing(): AsyncGenerator<Buffer> {
    yield Buffer.alloc(20000, 1);
    throw new Error('disk read failed');
  }
  await assert.rejects(a.store({ abstractSyntax: CT, transferSyntax: TS.EXPLICIT_LE, sopClassUid: CT, sopInstanceUid: '1.2.9', dataset: failing() }), /disk read failed/);
  await a.closed;
  for (let i = 0; i < 50 && handlers.aborted.length === abortedBefore; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(handlers.aborted.length, abortedBefore + 1);
});

test('a peer answering before our data set is complete: the next C-STORE waits until the data set is out, not just for the response', async () => {
  // The next queued operation normally starts when the response arrives (ScuAssociationImpl.serial).
  // A peer may answer early (a refusal on seeing the command): the rest of our data set must still go
  // first, whole, and only then the next command — never PDUs of two messages interleaved.
  const CT = '1.2.840.10008.5.1.4.1.1.2';
  const peer = await ScriptedPeer.listen();
  const a = openAssociation({ host: '127.0.0.1', port: peer.port, callingAe: 'SCU', calledAe: 'SCRIPTED', contexts: [{ abstractSyntax: CT, transferSyntaxes: [TS.EXPLICIT_LE] }], log: silentLog() });
  const p = await peer.accepted;
  try {
    assert.ok((await p.expect(0x01)).length > 68);
    p.send(encodePdu({
      type: 0x02, protocolVersion: 1, calledAe: 'SCRIPTED', callingAe: 'SCU', applicationContext: '1.2.840.10008.3.1.1.1',
      presentationContexts: [{ id: 1, result: 0, transferSyntax: TS.EXPLICIT_LE }],
      userInfo: { roleSelections: [], extendedNegotiations: [], other: [], maxLength: 16384, implementationClassUid: '1.2.3.4' },
    }));
    const assoc = await a;
    let answered!: () => void;
    const answeredEarly = new Promise<void>((r) => (answered = r));
    async function* slowDataset(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(40_000, 1);
      await answeredEarly; // the response arrives while the data set is still being read
      await new Promise((r) => setTimeout(r, 50));
      yield Buffer.alloc(40_000, 2);
    }
    const first = assoc.store({ abstractSyntax: CT, transferSyntax: TS.EXPLICIT_LE, sopClassUid: CT, sopInstanceUid: '1.2.3.10', dataset: slowDataset() });
    const second = assoc.store({ abstractSyntax: CT, transferSyntax: TS.EXPLICIT_LE, sopClassUid: CT, sopInstanceUid: '1.2.3.11', dataset: [Buffer.alloc(100, 3)] });
    // PDV message control header (PS3.8 Annex E.2): bit 0 command, bit 1 last fragment.
    const pdv = (pdu: Buffer): { control: number; data: Buffer } => ({ control: pdu[11], data: pdu.subarray(12, 6 + pdu.readUInt32BE(2)) });
    const cmd1 = pdv(await p.expect(0x04));
    assert.equal(cmd1.control, 0x03);
    p.send(commandPdu(1, storeRsp(decodeCommandSet(cmd1.data), 0xa700)));
    answered();
    let bytes = 0;
    for (;;) {
      const d = pdv(await p.expect(0x04));
      assert.equal(d.control & 0x01, 0, 'a data set fragment of the first C-STORE, not a command');
      bytes += d.data.length;
      if (d.control & 0x02) break;
    }
    assert.equal(bytes, 80_000, 'the whole first data set');
    const cmd2 = pdv(await p.expect(0x04));
    assert.equal(cmd2.control, 0x03, 'then the second command');
    const rq2 = decodeCommandSet(cmd2.data);
    assert.equal(rq2.affectedSopInstanceUid, '1.2.3.11');
    assert.equal(pdv(await p.expect(0x04)).control, 0x02);
    p.send(commandPdu(1, storeRsp(rq2, 0)));
    assert.equal((await first).status, 0xa700);
    assert.equal((await second).status, 0);
    assert.equal(await p.nextPdu(100), null, 'nothing else was sent');
    assoc.abort();
  } finally {
    p.destroy();
    peer.close();
  }
});
