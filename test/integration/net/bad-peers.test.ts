// Scripted bad peers against startDicomServer: each gets an A-ABORT (or a closed connection) and
// the StoreSink sees abort(); a storescu running in parallel keeps succeeding.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startDicomServer, type DicomServer } from '../../../src/net/server.js';
import { storeRq, echoRq } from '../../../src/net/dimse/messages.js';
import { decodeCommandSet, encodeCommandSet } from '../../../src/dicom/command-set.js';
import { commandPdus } from '../../../src/net/dimse/fragment.js';
import { associateRq, commandPdu, datasetPdu, ScriptedPeer } from '../../peers/scripted-peer.js';
import { hashingHandlers, run, silentLog, testPolicy, TESTDATA, TS } from '../../helpers/net.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
let server: DicomServer;
const handlers = hashingHandlers();
const events: string[] = [];
before(async () => {
  server = await startDicomServer({
    host: '127.0.0.1', port: 0, log: silentLog(),
    policy: testPolicy({ maxPduLength: 16384, idleTimeoutSeconds: 1, artimTimeoutSeconds: 1 }),
    handlers: { ...handlers, onAssociationEvent: (e) => events.push(`${e.type}:${e.reason ?? ''}`) },
  });
});
after(async () => server.close(500));

const CONTEXTS = [{ id: 1, abstractSyntax: CT, transferSyntaxes: [TS.EXPLICIT_LE] }, { id: 3, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [TS.IMPLICIT_LE] }];
const STORE = storeRq({ messageId: 1, sopClassUid: CT, sopInstanceUid: '1.2.3.4.5' });

async function associated(): Promise<ScriptedPeer> {
  const p = await ScriptedPeer.connect(server.port);
  p.send(associateRq(CONTEXTS));
  const ac = await p.expect(0x02);
  assert.ok(ac.length > 70);
  return p;
}

/** Expects A-ABORT with source 2 and `reason`, then the server closing the connection. */
async function expectProviderAbort(p: ScriptedPeer, reason?: number): Promise<void> {
  const ab = await p.expect(0x07);
  assert.equal(ab[8], 2, 'source: service-provider');
  if (reason !== undefined) assert.equal(ab[9], reason);
  p.close();
  assert.equal(await p.expectClosed(3000), true);
}

function storescuInParallel(): Promise<void> {
  return (async () => {
    for (let i = 0; i < 3; i++) {
      const r = await run('storescu', ['-aec', 'PACSGATE', '127.0.0.1', String(server.port), path.join(TESTDATA, 'pydicom', 'CT_small.dcm')]);
      assert.equal(r.code, 0, r.stderr);
    }
  })();
}

test('a truncated A-ASSOCIATE-RQ (item overruns the PDU) → A-ABORT, provider, invalid parameter', async () => {
  const p = await ScriptedPeer.connect(server.port);
  const rq = associateRq(CONTEXTS);
  const bad = Buffer.from(rq);
  bad.writeUInt16BE(0xffff, 6 + 68 + 2); // application context item length beyond the PDU
  p.send(bad);
  await expectProviderAbort(p, 6);
});

test('a PDU length of 4 GiB → A-ABORT (reason 6), parallel storescu unaffected', async () => {
  const par = storescuInParallel();
  const p = await associated();
  p.send(Buffer.from([0x04, 0, 0xff, 0xff, 0xff, 0xff]));
  await expectProviderAbort(p, 6);
  await par;
});

test('P-DATA-TF over our maximum (16 KiB + tolerance) → A-ABORT', async () => {
  const p = await associated();
  p.send(Buffer.from([0x04, 0, 0x00, 0x02, 0x00, 0x00]));
  await expectProviderAbort(p, 6);
});

test('P-DATA on an unaccepted presentation context → A-ABORT', async () => {
  const p = await associated();
  p.send(commandPdu(5, echoRq(1)));
  await expectProviderAbort(p);
});

test('a command with a bad group length → A-ABORT, no store request reaches the sink', async () => {
  const before = handlers.received.length + handlers.aborted.length;
  const p = await associated();
  const cmd = encodeCommandSet(STORE);
  cmd.writeUInt32LE(cmd.length + 10, 8);
  p.send(commandPdu(1, cmd));
  await expectProviderAbort(p);
  assert.equal(handlers.received.length + handlers.aborted.length, before);
});

test('an unrecognized PDU type → A-ABORT reason 1', async () => {
  const p = await associated();
  p.send(Buffer.from([0x0a, 0, 0, 0, 0, 2, 0, 0]));
  await expectProviderAbort(p, 1);
});

test('A-ABORT in the middle of a data set: StoreSink.abort is called, nothing is stored', async () => {
  const par = storescuInParallel();
  const storedBefore = handlers.received.filter((r) => r.req.affectedSopInstanceUid === '1.2.3.4.5').length;
  const abortedBefore = handlers.aborted.length;
  const p = await associated();
  p.send(commandPdu(1, STORE));
  p.send(datasetPdu(1, Buffer.alloc(1000, 1), false));
  await p.wait(100);
  p.send(Buffer.from([0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
  assert.equal(await p.expectClosed(3000), true);
  await par;
  assert.equal(handlers.aborted.length, abortedBefore + 1);
  assert.equal(handlers.aborted.at(-1)!.bytes, 1000);
  assert.equal(handlers.received.filter((r) => r.req.affectedSopInstanceUid === '1.2.3.4.5').length, storedBefore);
});

test('a stream that stops mid-PDU: idle timeout aborts the association and the sink', async () => {
  const abortedBefore = handlers.aborted.length;
  const p = await associated();
  p.send(commandPdu(1, STORE));
  const pdu = datasetPdu(1, Buffer.alloc(4000, 2), true);
  p.send(pdu.subarray(0, 2000));
  const ab = await p.expect(0x07, 4000);
  assert.equal(ab[0], 7);
  p.close();
  await p.expectClosed(3000);
  assert.equal(handlers.aborted.length, abortedBefore + 1);
});

test('a peer that closes mid-PDU: the sink is aborted', async () => {
  const abortedBefore = handlers.aborted.length;
  const p = await associated();
  p.send(commandPdu(1, STORE));
  p.send(datasetPdu(1, Buffer.alloc(4000, 3), true).subarray(0, 3000));
  await p.wait(100);
  p.destroy();
  for (let i = 0; i < 50 && handlers.aborted.length === abortedBefore; i++) await p.wait(20);
  assert.equal(handlers.aborted.length, abortedBefore + 1);
});

test('a silent peer (no A-ASSOCIATE-RQ): ARTIM closes the connection', async () => {
  const p = await ScriptedPeer.connect(server.port);
  const t0 = Date.now();
  assert.equal(await p.expectClosed(4000), true);
  assert.ok(Date.now() - t0 >= 900, 'not before ARTIM');
});

test('release while data transfer is idle: A-RELEASE-RP then close', async () => {
  const p = await associated();
  p.send(commandPdu(3, echoRq(9)));
  const rsp = await p.expect(0x04);
  assert.equal(rsp.readUInt16LE(6 + 6 + 12 + 8 + 18 + 8), 0x8030, 'C-ECHO-RSP command field');
  p.send(Buffer.from([0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
  await p.expect(0x06);
  p.close();
  assert.equal(await p.expectClosed(3000), true);
});

test('data set PDV without a command → A-ABORT', async () => {
  const p = await associated();
  p.send(datasetPdu(1, Buffer.alloc(10), true));
  await expectProviderAbort(p);
});

test('A-RELEASE-RQ in the middle of a data set: sink aborted, A-RELEASE-RP sent', async () => {
  const abortedBefore = handlers.aborted.length;
  const p = await associated();
  p.send(commandPdu(1, STORE));
  p.send(datasetPdu(1, Buffer.alloc(500, 4), false));
  p.send(Buffer.from([0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
  await p.expect(0x06);
  p.close();
  await p.expectClosed(3000);
  assert.equal(handlers.aborted.length, abortedBefore + 1);
});

test('a peer that trickles: command in fragments, every PDU cut across reads → stored byte-exact (the read buffer is reused)', async () => {
  const uid = '1.2.3.4.6';
  const rq = storeRq({ messageId: 7, sopClassUid: CT, sopInstanceUid: uid });
  const data = Buffer.alloc(40_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
  const pdus = [
    ...commandPdus(1, encodeCommandSet(rq), 40).map((p) => Buffer.concat(p)),
    datasetPdu(1, data.subarray(0, 15_000), false),
    datasetPdu(1, data.subarray(15_000, 30_000), false),
    datasetPdu(1, data.subarray(30_000), true),
  ];
  assert.ok(pdus.length > 5, 'the command is in several fragments');
  const p = await associated();
  // Each PDU in two writes with a pause between: the server's reads end inside PDU and PDV headers,
  // inside command fragments and inside data, so every read overwrites the one before.
  for (const pdu of pdus) {
    const cut = Math.min(pdu.length - 1, 3 + (pdu.length >> 1));
    p.send(pdu.subarray(0, cut));
    await p.wait(5);
    p.send(pdu.subarray(cut));
    await p.wait(5);
  }
  const rsp = await p.expect(0x04);
  const cmd = decodeCommandSet(rsp.subarray(12));
  assert.equal(cmd.commandField, 0x8001);
  assert.equal(cmd.status, 0, `C-STORE-RSP status 0x${cmd.status?.toString(16)}`);
  p.send(Buffer.from([0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
  await p.expect(0x06);
  p.close();
  const got = handlers.received.find((r) => r.req.affectedSopInstanceUid === uid);
  assert.ok(got, 'stored');
  assert.equal(got.bytes, data.length);
  assert.equal(got.sha256, createHash('sha256').update(data).digest('hex'));
});
