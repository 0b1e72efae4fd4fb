// Scripted bad peers against the real daemon while storescu keeps sending in parallel: each bad peer
// gets an A-ABORT (or its connection closed), storescu's every instance is acknowledged and stored, and
// nothing a bad peer sent survives in the spool (no record, no chunks, no partial marker: verify()).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startDaemon, cleanupDaemons, tempDir, type Daemon } from '../helpers/daemon.js';
import { makeInstances, acknowledgedFiles, type Instance } from '../helpers/instances.js';
import { openSpoolReport } from '../helpers/corpus.js';
import { associateRq, commandPdu, datasetPdu, ScriptedPeer } from '../peers/scripted-peer.js';
import { storeRq, echoRq } from '../../src/net/dimse/messages.js';
import { encodeCommandSet } from '../../src/dicom/command-set.js';
import { datasetOffset, TS } from '../helpers/net.js';

const VERIFICATION = '1.2.840.10008.1.1';
let d: Daemon;
let good: Instance[];
let bad: Instance[];
const acked = new Set<string>();
let sending = true;
let sender: Promise<void>;

/** storescu -v in a loop over distinct instances, five per association, until told to stop. */
function parallelSender(): Promise<void> {
  return (async () => {
    for (let i = 0; sending; i += 5) {
      const batch = good.slice(i % good.length, (i % good.length) + 5);
      const log = await new Promise<string>((resolve, reject) => {
        const p = spawn('storescu', ['-v', '-aet', 'GOODSCU', '-aec', 'PACSGATE', '127.0.0.1', String(d.dicomPort), ...batch.map((b) => b.file)],
          { env: { ...process.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
        let s = '';
        p.stderr.on('data', (c: Buffer) => (s += c.toString()));
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`storescu exit ${code}: ${s}`))));
      });
      const files = acknowledgedFiles(log);
      assert.equal(files.length, batch.length, 'every instance of the parallel storescu acknowledged');
      for (const f of files) acked.add(good.find((g) => g.file === f)!.sopInstanceUid);
    }
  })();
}

before(async () => {
  good = await makeInstances(tempDir('pg-good-'), 40, ['pydicom/CT_small.dcm']);
  bad = await makeInstances(tempDir('pg-bad-'), 5, ['pylibjpeg-data/ds/LittleEndianExplicit/OBXXXX1A_2frame.dcm']);
  d = await startDaemon({ config: { dicom: { idleTimeoutSeconds: 2, artimTimeoutSeconds: 2 } } });
  sender = parallelSender();
});
after(cleanupDaemons);

function contexts(i: Instance) {
  return [{ id: 1, abstractSyntax: i.sopClassUid, transferSyntaxes: [TS.EXPLICIT_LE] }, { id: 3, abstractSyntax: VERIFICATION, transferSyntaxes: [TS.IMPLICIT_LE] }];
}

async function associated(i: Instance): Promise<ScriptedPeer> {
  const p = await ScriptedPeer.connect(d.dicomPort);
  p.send(associateRq(contexts(i)));
  await p.expect(0x02);
  return p;
}

/** A-ABORT from the service provider (source 2), optionally with `reason`, then the daemon closes. */
async function expectProviderAbort(p: ScriptedPeer, reason?: number): Promise<void> {
  const ab = await p.expect(0x07, 6000);
  assert.equal(ab[8], 2, 'source: service-provider');
  if (reason !== undefined) assert.equal(ab[9], reason, 'abort reason');
  p.close();
  assert.equal(await p.expectClosed(3000), true);
}

const dataset = (i: Instance): Buffer => {
  const b = readFileSync(i.file);
  return b.subarray(datasetOffset(b));
};

/** Sends the C-STORE-RQ command and `bytes` of the data set in 16 KiB PDVs (none of them last). */
function sendPartialStore(p: ScriptedPeer, i: Instance, bytes: number): void {
  p.send(commandPdu(1, storeRq({ messageId: 1, sopClassUid: i.sopClassUid, sopInstanceUid: i.sopInstanceUid })));
  const ds = dataset(i).subarray(0, bytes);
  for (let off = 0; off < ds.length; off += 16384) p.send(datasetPdu(1, ds.subarray(off, off + 16384), false));
}

test('truncated A-ASSOCIATE-RQ (an item overruns the PDU) → A-ABORT, reason 6', async () => {
  const p = await ScriptedPeer.connect(d.dicomPort);
  const rq = Buffer.from(associateRq(contexts(bad[0])));
  rq.writeUInt16BE(0xffff, 6 + 68 + 2); // application context item length past the end of the PDU
  p.send(rq);
  await expectProviderAbort(p, 6);
});

test('P-DATA-TF whose PDV item runs past the end of the PDU → A-ABORT', async () => {
  const p = await associated(bad[0]);
  const pdu = datasetPdu(1, Buffer.alloc(100), false);
  pdu.writeUInt32BE(5000, 6); // PDV item length 5000 in a PDU of 106 bytes
  p.send(pdu);
  await expectProviderAbort(p);
});

test('PDU length of 4 GiB - 1 → A-ABORT, reason 6 (invalid PDU parameter), before any body arrives', async () => {
  const p = await associated(bad[0]);
  p.send(Buffer.from([0x04, 0, 0xff, 0xff, 0xff, 0xff]));
  await expectProviderAbort(p, 6);
});

test('P-DATA on a presentation context that was never accepted → A-ABORT', async () => {
  const p = await associated(bad[0]);
  p.send(commandPdu(7, echoRq(1)));
  await expectProviderAbort(p);
});

test('C-STORE command with a bad group length → A-ABORT, nothing reaches the spool', async () => {
  const p = await associated(bad[1]);
  const cmd = encodeCommandSet(storeRq({ messageId: 1, sopClassUid: bad[1].sopClassUid, sopInstanceUid: bad[1].sopInstanceUid }));
  cmd.writeUInt32LE(cmd.length + 10, 8); // (0000,0000) value: more than the command holds
  p.send(commandPdu(1, cmd));
  await expectProviderAbort(p);
});

test('A-ABORT from the peer in the middle of a ~1 MB data set (after 600 KB: chunks written) → instance dropped', async () => {
  const before = d.lines.filter((l) => l.msg === 'store aborted').length;
  const p = await associated(bad[2]);
  sendPartialStore(p, bad[2], 600_000);
  await p.wait(300);
  p.send(Buffer.from([0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
  assert.equal(await p.expectClosed(3000), true);
  await d.waitFor((l) => l.msg === 'store aborted' && l.sopInstanceUid === bad[2].sopInstanceUid, 3000);
  assert.equal(d.lines.filter((l) => l.msg === 'store aborted').length, before + 1);
});

test('a stream that stops mid-PDU (half a P-DATA-TF, then silence) → idle timeout A-ABORT, instance dropped', async () => {
  const p = await associated(bad[3]);
  sendPartialStore(p, bad[3], 300_000);
  const pdu = datasetPdu(1, dataset(bad[3]).subarray(300_000, 316_384), false);
  p.send(pdu.subarray(0, 5000));
  const t0 = Date.now();
  // The idle limit is the daemon's own policy, so it aborts as service user (source 0), not provider.
  const ab = await p.expect(0x07, 6000);
  assert.equal(ab[8], 0, 'source: service-user');
  p.close();
  assert.equal(await p.expectClosed(3000), true);
  assert.ok(Date.now() - t0 >= 1500, 'after the 2 s idle timeout');
  await d.waitFor((l) => l.msg === 'store aborted' && l.sopInstanceUid === bad[3].sopInstanceUid, 3000);
});

test('a peer that closes its socket mid-PDU → instance dropped', async () => {
  const p = await associated(bad[4]);
  sendPartialStore(p, bad[4], 400_000);
  p.send(datasetPdu(1, Buffer.alloc(16384), false).subarray(0, 7000));
  await p.wait(200);
  p.destroy();
  await d.waitFor((l) => l.msg === 'store aborted' && l.sopInstanceUid === bad[4].sopInstanceUid, 3000);
});

test('afterwards: parallel storescu all acknowledged and stored; nothing of the bad peers in the spool', async (t) => {
  sending = false;
  await sender;
  assert.ok(acked.size >= 10, `${acked.size} instances from the parallel storescu`);
  t.diagnostic(`${acked.size} distinct instances acknowledged to the parallel storescu`);
  const stop = await d.stop();
  assert.equal(stop.code, 0);
  const { spool, partialsRemoved } = await openSpoolReport(d.spoolDir);
  try {
    assert.equal(partialsRemoved, 0, 'the daemon itself removed every aborted instance (recovery found none)');
    const v = spool.verify();
    assert.deepEqual(v.problems, []);
    assert.equal(v.instances, acked.size, 'exactly the acknowledged instances');
    for (const uid of acked) assert.ok(spool.findBySopInstanceUid(uid), uid);
    for (const b of bad) assert.equal(spool.findBySopInstanceUid(b.sopInstanceUid), undefined, `${path.basename(b.file)} not stored`);
    const chunkIds = new Set([...spool.dbs.chunks.getKeys({})].map((k) => (k as number[])[0]));
    const recordIds = new Set([...spool.dbs.instances.getKeys({})] as number[]);
    assert.deepEqual([...chunkIds].filter((id) => !recordIds.has(id)), [], 'no chunks without a record');
  } finally {
    await spool.close();
  }
});
