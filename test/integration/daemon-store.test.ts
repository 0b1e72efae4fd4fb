// End-to-end (issue 3 "Must show"): DCMTK storescu / dcmsend and our SCU against the real daemon
// (bin/pacsgate.js in a child process). After each run the daemon is stopped with SIGTERM (exit 0
// within 10 s), the spool is opened, verify() must find nothing wrong, and every instance's stored
// bytes must equal what DCMTK sends: dcmconv's data set in the negotiated transfer syntax.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import path from 'node:path';
import { startDaemon, cleanupDaemons, tempDir, STOP_LIMIT_MS, type Daemon } from '../helpers/daemon.js';
import { expectedDataset, hashStored, openSpool, prepareCorpus, UNCOMPRESSED, writeStorescuConfig, type CorpusFile } from '../helpers/corpus.js';
import { run, sha256 as sha, silentLog, TS } from '../helpers/net.js';
import { openAssociation } from '../../src/net/scu.js';
import { readPart10Info } from '../../src/dicom/part10.js';

let corpus: CorpusFile[];
let work: string;
before(async () => {
  work = tempDir('pg-store-');
  corpus = await prepareCorpus(work, 1);
});
after(cleanupDaemons);

const uncompressed = (): CorpusFile[] => corpus.filter((f) => UNCOMPRESSED.has(f.transferSyntax));

async function stopOk(d: Daemon): Promise<void> {
  const r = await d.stop();
  assert.equal(r.code, 0, `daemon exit code (signal ${r.signal})`);
  assert.ok(r.ms < STOP_LIMIT_MS, `stopped in ${r.ms} ms`);
}

/** Stops the daemon, opens its spool and compares every sent file with its stored instance. */
async function checkSpool(d: Daemon, files: CorpusFile[], storedTs: (f: CorpusFile) => string | Set<string>): Promise<void> {
  await stopOk(d);
  const spool = await openSpool(d.spoolDir);
  try {
    const v = spool.verify();
    assert.deepEqual(v.problems, [], 'spool verify');
    assert.equal(v.instances, files.length, 'one instance per file sent');
    for (const f of files) {
      const rec = spool.findBySopInstanceUid(f.sopInstanceUid);
      assert.ok(rec, `${f.source} stored`);
      const want = storedTs(f);
      if (typeof want === 'string') assert.equal(rec.transferSyntax, want, `${f.source}: transfer syntax`);
      else assert.ok(want.has(rec.transferSyntax), `${f.source}: transfer syntax ${rec.transferSyntax}`);
      const got = await hashStored(spool, rec.id);
      assert.equal(got.digest, rec.digest, `${f.source}: record digest matches the stored chunks`);
      if (rec.transferSyntax === TS.DEFLATED) {
        // The deflate stream depends on how the encoder was fed (storescu's network stream differs from
        // dcmconv's file, and PS3.5 §A.5 pads it to even length), so compare what it inflates to.
        const parts: Buffer[] = [];
        for await (const c of spool.readDataset(rec.id)) parts.push(Buffer.from(c));
        const inflated = inflateRawSync(Buffer.concat(parts));
        const exp = await expectedDataset(f.file, f.transferSyntax, TS.EXPLICIT_LE, work);
        assert.equal(sha(inflated), exp.sha256, `${f.source} deflated: inflated bytes`);
        continue;
      }
      const exp = await expectedDataset(f.file, f.transferSyntax, rec.transferSyntax, work);
      assert.equal(got.bytes, exp.bytes, `${f.source} in ${rec.transferSyntax}: length`);
      assert.equal(got.sha256, exp.sha256, `${f.source} in ${rec.transferSyntax}: bytes`);
    }
  } finally {
    await spool.close();
  }
}

/** Runs storescu over `files` split into `parallel` concurrent associations; every one must exit 0. */
async function storescu(d: Daemon, args: string[], files: CorpusFile[], parallel = 1): Promise<void> {
  const groups: CorpusFile[][] = Array.from({ length: parallel }, () => []);
  files.forEach((f, i) => groups[i % parallel].push(f));
  const results = await Promise.all(groups.map((g) => run('storescu', ['-aet', 'STORESCU', '-aec', 'PACSGATE', ...args,
    '127.0.0.1', String(d.dicomPort), ...g.map((f) => f.file)], 120000)));
  for (const r of results) {
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /^E:/m, 'storescu reported no error');
  }
}

test('storescu -R -xi, one association, sender PDUs of 16 KiB: stored as Implicit VR LE, bytes exact', async () => {
  const d = await startDaemon();
  const files = uncompressed();
  await storescu(d, ['-R', '-xi', '--max-send-pdu', '16384'], files);
  await checkSpool(d, files, () => TS.IMPLICIT_LE);
});

/** SOP classes missing from storescu's default list of 128: sent with -R (contexts from the files). */
const NOT_DEFAULT = new Set(['1.2.840.10008.5.1.4.1.1.66.4']);

test('storescu -xe, four associations in parallel: Explicit VR LE files stay so, the rest as storescu picks (-R for SOP classes it lacks)', async () => {
  const d = await startDaemon();
  const files = uncompressed();
  await storescu(d, ['-xe'], files.filter((f) => !NOT_DEFAULT.has(f.sopClassUid)), 4);
  await storescu(d, ['-R', '-xe'], files.filter((f) => NOT_DEFAULT.has(f.sopClassUid)));
  // storescu proposes Explicit VR LE alone and the other uncompressed syntaxes in a second context, and
  // sends a file in the accepted syntax matching its own where there is one, else converts.
  await checkSpool(d, files, (f) => f.transferSyntax === TS.EXPLICIT_LE ? TS.EXPLICIT_LE : UNCOMPRESSED);
});

test('storescu -xb (big endian alone in the first context), 3 associations in parallel', async () => {
  const d = await startDaemon();
  const files = uncompressed().filter((f) => !NOT_DEFAULT.has(f.sopClassUid));
  await storescu(d, ['-xb'], files, 3);
  await checkSpool(d, files, (f) => f.transferSyntax === TS.EXPLICIT_BE ? TS.EXPLICIT_BE : UNCOMPRESSED);
});

test('storescu -R (a context per syntax found in the files): each file stored in an uncompressed syntax, bytes exact', async () => {
  const d = await startDaemon();
  const files = uncompressed();
  await storescu(d, ['-R'], files, 2);
  await checkSpool(d, files, () => UNCOMPRESSED);
});

test('storescu -xf with Explicit VR Big Endian only contexts: storescu converts, stored as big endian', async () => {
  const d = await startDaemon();
  const files = uncompressed();
  const cfg = path.join(work, 'be.cfg');
  writeStorescuConfig(cfg, 'BE', files.map((f) => ({ sopClassUid: f.sopClassUid, transferSyntax: TS.EXPLICIT_BE })));
  await storescu(d, ['-xf', cfg, 'BE'], files, 2);
  await checkSpool(d, files, () => TS.EXPLICIT_BE);
});

test('storescu -xf with Deflated Explicit VR LE only contexts: stored deflated, bytes exact', async () => {
  const d = await startDaemon();
  const files = uncompressed();
  const cfg = path.join(work, 'deflated.cfg');
  writeStorescuConfig(cfg, 'Deflated', files.map((f) => ({ sopClassUid: f.sopClassUid, transferSyntax: TS.DEFLATED })));
  await storescu(d, ['-xf', cfg, 'Deflated'], files);
  await checkSpool(d, files, () => TS.DEFLATED);
});

test('storescu -xf with each file\'s own syntax (JPEG, RLE, uncompressed): several contexts per SOP class, all files', async () => {
  const d = await startDaemon();
  const cfg = path.join(work, 'own.cfg');
  const contexts = writeStorescuConfig(cfg, 'Own', corpus);
  const perClass = new Map<string, Set<string>>();
  for (const f of corpus) perClass.set(f.sopClassUid, (perClass.get(f.sopClassUid) ?? new Set()).add(f.transferSyntax));
  assert.ok([...perClass.values()].some((s) => s.size >= 3), 'some SOP class has three or more contexts');
  assert.ok(contexts > perClass.size);
  // one association with every file, then the same again in four parallel associations (replacing)
  await storescu(d, ['-xf', cfg, 'Own'], corpus);
  await storescu(d, ['-xf', cfg, 'Own', '--max-send-pdu', '16384'], corpus, 4);
  await checkSpool(d, corpus, (f) => f.transferSyntax);
  const stored = d.lines.filter((l) => l.msg === 'instance stored').length;
  assert.equal(stored, 2 * corpus.length, 'one "instance stored" line per C-STORE');
});

test('dcmsend, sender PDUs of 16 KiB, decoding JPEG/RLE itself: bytes exact', async () => {
  const d = await startDaemon();
  const r = await run('dcmsend', ['-aet', 'DCMSEND', '-aec', 'PACSGATE', '--max-send-pdu', '16384', '127.0.0.1', String(d.dicomPort), ...corpus.map((f) => f.file)], 120000);
  assert.equal(r.code, 0, r.stderr);
  // dcmsend proposes the file's syntax plus the uncompressed ones and decodes lossless compression
  // itself (+dls): our preference (uncompressed first) decides, so a JPEG or RLE file may arrive decoded.
  await checkSpool(d, corpus, (f) => new Set([f.transferSyntax, ...UNCOMPRESSED]));
});

test('our SCU with the daemon at max PDU 1 MiB (storescu caps --max-send-pdu at 128 KiB): bytes exact', async () => {
  const MiB = 1024 * 1024;
  const cap = await run('storescu', ['--max-send-pdu', String(MiB), '127.0.0.1', '1', corpus[0].file]);
  assert.notEqual(cap.code, 0);
  assert.match(cap.stderr, /Invalid value for option --max-send-pdu/, 'storescu 3.6.7 cannot send 1 MiB PDUs');
  const d = await startDaemon({ config: { dicom: { maxPduLength: MiB } } });
  const files = corpus.filter((f) => f.source.endsWith('RG2_JPLL.dcm') || f.source.endsWith('OBXXXX1A_2frame.dcm') || f.source.endsWith('CT_small.dcm'));
  assert.equal(files.length, 4);
  const infos = await Promise.all(files.map((f) => readPart10Info(f.file)));
  const assoc = await openAssociation({
    host: '127.0.0.1', port: d.dicomPort, callingAe: 'OURSCU', calledAe: 'PACSGATE', maxPduLength: MiB, log: silentLog(),
    contexts: [...new Map(infos.map((i) => [`${i.sopClassUid}|${i.transferSyntax}`, { abstractSyntax: i.sopClassUid, transferSyntaxes: [i.transferSyntax] }])).values()],
  });
  assert.equal(assoc.info.peerMaxPduLength, MiB, 'daemon advertises 1 MiB'); // our SCU fragments to exactly that
  for (const i of infos) {
    const res = await assoc.store({
      abstractSyntax: i.sopClassUid, transferSyntax: i.transferSyntax, sopClassUid: i.sopClassUid, sopInstanceUid: i.sopInstanceUid,
      dataset: createReadStream(i.path, { start: i.datasetOffset, highWaterMark: MiB }),
    });
    assert.equal(res.status, 0, `${i.path}: C-STORE status`);
  }
  await assoc.release();
  // Our SCU sends the file's data set as it is on disk, so the expected bytes are the file minus its meta.
  await stopOk(d);
  const spool = await openSpool(d.spoolDir);
  try {
    assert.deepEqual(spool.verify().problems, []);
    for (const i of infos) {
      const rec = spool.findBySopInstanceUid(i.sopInstanceUid);
      assert.ok(rec);
      const got = await hashStored(spool, rec.id);
      const exp = createHash('sha256').update(readFileSync(i.path).subarray(i.datasetOffset)).digest('hex');
      assert.equal(got.sha256, exp, `${path.basename(i.path)} bytes`);
    }
  } finally {
    await spool.close();
  }
});
