// Kill -9 of the real daemon during a 200-instance storescu send, several rounds on one spool
// (CONTRACT.md: a C-STORE Success means the instance survives kill -9). storescu -v tells which
// instances were acknowledged with Success; after each restart every one of them must be in the spool
// with the sha256 of the bytes DCMTK sent, and no partial instance may remain (Spool.verify()).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startDaemon, cleanupDaemons, tempDir } from '../helpers/daemon.js';
import { expectedDataset, hashStored, openSpool } from '../helpers/corpus.js';
import { acknowledgedFiles, makeInstances, type Instance } from '../helpers/instances.js';
import { crcDigest, silentLog, TS } from '../helpers/net.js';
import { readFileSync } from 'node:fs';
import { openAssociation } from '../../src/net/scu.js';
import { readPart10Info } from '../../src/dicom/part10.js';

after(cleanupDaemons);

const ROUNDS = 6;
const N = 200;
/** Mostly small CTs (one transaction each); every tenth is ~1 MB (4 chunks), so kills also land mid-instance. */
const TEMPLATES = [...Array(9).fill('pydicom/CT_small.dcm'), 'pylibjpeg-data/ds/LittleEndianExplicit/OBXXXX1A_2frame.dcm'] as string[];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** storescu -v over all files; resolves with its exit code and log (stderr) once it ends. */
function storescuV(port: number, files: string[]): Promise<{ code: number | null; log: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('storescu', ['-v', '-aet', 'KILL9', '-aec', 'PACSGATE', '127.0.0.1', String(port), ...files],
      { env: { ...process.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (s: string) => (log += s));
    p.on('error', (err) => reject(new Error(`storescu: ${err.message} (DCMTK needed)`)));
    p.on('close', (code) => resolve({ code, log }));
  });
}

test(`kill -9 at random points of a ${N}-instance send, ${ROUNDS} rounds: acknowledged instances survive, no partials`, async (t) => {
  const dir = tempDir('pg-kill9-');
  const spoolDir = path.join(dir, 'spool');
  const instances = await makeInstances(dir, N, TEMPLATES);
  const byFile = new Map(instances.map((i) => [i.file, i]));
  const acked = new Map<string, Instance>();
  const partialsRemoved: number[] = [];

  for (let round = 0; round < ROUNDS; round++) {
    // debug level: 'spool instance begin' marks the start of each instance in the log
    const d = await startDaemon({ spoolDir });
    if (round > 0) partialsRemoved.push(Number((await d.waitFor((l) => l.msg === 'spool open')).partialsRemoved));
    // Even rounds: kill a few ms into a ~1 MB instance (index 10m+9), when some of its chunks are
    // written but not committed. Odd rounds: after a random number of stored instances, + 0-15 ms.
    const midInstance = round % 2 === 0;
    // At least 80 instances left after the kill point: storescu must still be sending when it lands.
    const killAfter = midInstance ? 10 * (2 + Math.floor(Math.random() * 11)) + 9 : 5 + Math.floor(Math.random() * (N - 80));
    let extraMs = Math.floor(Math.random() * 15);
    const bigMs: number[] = [];
    let begun = 0;
    let done = 0;
    let fire: () => void = () => {};
    let early: NodeJS.Timeout | undefined;
    const trigger = new Promise<void>((r) => (fire = r));
    // Counted as the lines arrive, so the kill follows the chosen event without polling lag.
    const off = d.onLine((l) => {
      if (l.msg === 'spool instance begin' && ++begun === killAfter + 1 && midInstance) {
        // two thirds into it, judged by how long the earlier ~1 MB instances of this round took ('ms')
        extraMs = Math.max(1, Math.round(0.65 * bigMs.reduce((a, b) => a + b, 0) / Math.max(1, bigMs.length)));
        fire();
      }
      if (l.msg !== 'instance stored') return;
      // Log lines reach us with a lag (pipe buffering on a busy machine) while a small instance commits
      // in ~1 ms, so a timer started at the first stored instance backs up the chosen event.
      if (done === 0) early = setTimeout(fire, 20 + Math.floor(Math.random() * 100));
      if (Number(l.bytes) > 500_000) bigMs.push(Number(l.ms));
      if (++done === killAfter && !midInstance) fire();
    });
    const send = storescuV(d.dicomPort, instances.map((i) => i.file));
    await Promise.race([trigger, send]);
    clearTimeout(early);
    off();
    await sleep(extraMs);
    await d.kill9();
    const res = await send;
    const ackedNow = acknowledgedFiles(res.log);
    for (const f of ackedNow) acked.set(byFile.get(f)!.sopInstanceUid, byFile.get(f)!);
    t.diagnostic(`round ${round}: killed ${extraMs} ms after ${midInstance ? 'instance begin' : 'instance stored'} #${killAfter + (midInstance ? 1 : 0)}; `
      + `storescu exit ${res.code}, ${ackedNow.length} acknowledged`);
    assert.ok(ackedNow.length > 0 && ackedNow.length < N, 'the kill landed during the send');
  }

  // A last start runs recovery; a clean SIGTERM stop; then the spool is checked offline.
  const d = await startDaemon({ spoolDir });
  partialsRemoved.push(Number((await d.waitFor((l) => l.msg === 'spool open')).partialsRemoved));
  const status = await d.http('/api/status');
  const stop = await d.stop();
  assert.equal(stop.code, 0);
  t.diagnostic(`partial instances removed at each restart: ${partialsRemoved.join(', ')}; ${acked.size} distinct acknowledged`);

  const spool = await openSpool(spoolDir);
  try {
    const v = spool.verify();
    assert.deepEqual(v.problems, [], 'verify: chunks, sizes, digests, index, counters');
    assert.equal(spool.dbs.partial.getCount(), 0, 'no partial marker left');
    assert.equal((status.body as { spool: { instances: number } }).spool.instances, v.instances, '/api/status spool.instances');
    assert.ok(v.instances >= acked.size);
    const work = tempDir('pg-kill9-exp-');
    for (const [uid, inst] of acked) {
      const rec = spool.findBySopInstanceUid(uid);
      assert.ok(rec, `acknowledged ${path.basename(inst.file)} is in the spool`);
      assert.equal(rec.transferSyntax, TS.EXPLICIT_LE);
      const exp = await expectedDataset(inst.file, inst.transferSyntax, rec.transferSyntax, work);
      assert.equal(rec.digest, exp.digest, `${path.basename(inst.file)}: record digest of the bytes sent`);
      assert.equal((await hashStored(spool, rec.id)).sha256, exp.sha256, `${path.basename(inst.file)}: stored bytes = bytes sent`);
      assert.equal(rec.bytes, exp.bytes);
    }
  } finally {
    await spool.close();
  }
});

test('kill -9 while an instance is half received (our SCU stalls mid-data set): recovery removes it, nothing else changes', async () => {
  const dir = tempDir('pg-kill9-half-');
  const spoolDir = path.join(dir, 'spool');
  // 2.16 MB: big enough to stall past the writer's deferral threshold (maxPendingChunks × 256 KiB =
  // 1 MiB; smaller instances never touch the disk before their commit, so there would be no partial).
  const [whole, half] = await makeInstances(dir, 2, ['pylibjpeg-data/ds/JPEGLosslessSV1/RG2_JPLL.dcm']);
  const d = await startDaemon({ spoolDir });
  const info = await readPart10Info(whole.file);
  const assoc = await openAssociation({ host: '127.0.0.1', port: d.dicomPort, callingAe: 'HALF', calledAe: 'PACSGATE', log: silentLog(),
    contexts: [{ abstractSyntax: info.sopClassUid, transferSyntaxes: [info.transferSyntax] }] });
  const store = (file: string, uid: string, dataset: AsyncIterable<Buffer> | Iterable<Buffer>) => assoc.store({
    abstractSyntax: info.sopClassUid, transferSyntax: info.transferSyntax, sopClassUid: info.sopClassUid, sopInstanceUid: uid, dataset });
  const bytes = readFileSync(whole.file).subarray(info.datasetOffset);
  assert.equal((await store(whole.file, whole.sopInstanceUid, [bytes])).status, 0);
  const halfBytes = readFileSync(half.file).subarray(info.datasetOffset);
  let stalled: () => void = () => {};
  const atStall = new Promise<void>((r) => (stalled = r));
  let resume: () => void = () => {};
  const resumed = new Promise<void>((r) => (resume = r));
  async function* stalling(): AsyncGenerator<Buffer> {
    // The SCU holds back its last PDU (256 KiB) until it knows the stream ended (last-fragment bit),
    // so ~1.75 MB reach the daemon: ~6.7 chunks of 256 KiB, six put before the stall.
    yield halfBytes.subarray(0, 2_000_000);
    stalled();
    await resumed; // the daemon is killed meanwhile
    throw new Error('sender stopped');
  }
  const pending = store(half.file, half.sopInstanceUid, stalling()).catch((err: unknown) => err);
  await atStall;
  await sleep(500); // the chunk puts and the partial marker commit in the background meanwhile
  await d.kill9();
  resume();
  assert.ok((await pending) instanceof Error, 'the stalled C-STORE got no response');
  assoc.abort();

  const again = await startDaemon({ spoolDir });
  const open = await again.waitFor((l) => l.msg === 'spool open');
  assert.equal(open.partialsRemoved, 1, 'recovery removed the half instance');
  const st = await again.stop();
  assert.equal(st.code, 0, `exit ${st.signal}; ${again.stderr.join("\n")}; ${again.lines.slice(-5).map((l) => JSON.stringify(l)).join("\n")}`);
  const spool = await openSpool(spoolDir);
  try {
    assert.deepEqual(spool.verify().problems, []);
    assert.equal(spool.verify().instances, 1);
    assert.equal(spool.findBySopInstanceUid(half.sopInstanceUid), undefined, 'no trace of the half instance');
    const rec = spool.findBySopInstanceUid(whole.sopInstanceUid);
    assert.ok(rec);
    assert.equal(rec.digest, crcDigest(bytes));
    assert.equal(spool.dbs.partial.getCount(), 0);
    assert.equal([...spool.dbs.chunks.getKeys({})].length, rec.chunks, 'only the whole instance has chunks');
  } finally {
    await spool.close();
  }
});
