// Issue 4 "Must show", end to end: DCMTK storescu → pacsgate (real daemon) → Orthanc as the upstream
// PACS, plus DCMTK storescp accepting only Implicit VR LE as a second destination.
// - Orthanc ends up with every instance and stores the very dataset bytes that were sent (nothing
//   needed transcoding: Orthanc accepts every syntax). storescu itself re-encodes a few files on the
//   way out (it drops Data Set Trailing Padding, for one) and Orthanc too, so the references are what
//   storescu sends straight to a bit-preserving storescp (+B) and to a second Orthanc; a bit-preserving
//   storescp behind pacsgate must get exactly the former, and Orthanc behind pacsgate the latter.
// - The Implicit-only storescp gets native inputs transcoded, with Pixel Data equal to `dcmconv +ti`,
//   and JPEG Lossless / RLE inputs decoded, equal to `dcmdjpeg +ti` / `dcmdrle +ti`; a syntax
//   canTranscode does not know goes to its dead-letter list.
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startOrthanc } from '../peers/orthanc.js';
import { dcmconv, startStorescp, storescuSend } from '../peers/dcmtk.js';
import { startDaemon, waitFor, type Daemon, type DeadLetterJson } from '../helpers/forward-daemon.js';
import { allDicomFiles, TESTDATA } from '../helpers/testdata.js';
import { writeCtStudy } from '../helpers/ct-study.js';
import { datasetOf, datasetOfBuffer, datasetUidsOf, pixelDataOf } from '../helpers/dicom-files.js';
import { readPart10Info, type Part10Info } from '../../src/dicom/part10.js';
import { canTranscode } from '../../src/forward/transcode.js';
import { isNativeSyntax } from '../../src/dicom/convert.js';

const IMPLICIT_LE = '1.2.840.10008.1.2';

/** Files in testdata that DCMTK's storescu cannot send (it refuses them before any association). */
const NOT_SENDABLE: Record<string, string> = {
  'pydicom/MR_truncated.dcm': 'truncated on purpose',
  'pydicom/rtplan_truncated.dcm': 'truncated on purpose',
  'pydicom/no_meta.dcm': 'no file meta',
  'pydicom/ExplVR_BigEndNoMeta.dcm': 'no file meta',
  'pydicom/priv_SQ.dcm': 'no SOP UIDs in the dataset',
  'pydicom/nested_priv_SQ.dcm': 'no SOP UIDs in the dataset',
  'pydicom/rtdose_rle.dcm': 'SOP UIDs encoded as UN: storescu finds none',
  'pydicom/rtdose_rle_1frame.dcm': 'SOP UIDs encoded as UN',
  'pylibjpeg-data/ds/RLELossless/rtdose_rle.dcm': 'SOP UIDs encoded as UN',
  'pylibjpeg-data/ds/RLELossless/rtdose_rle_1frame.dcm': 'SOP UIDs encoded as UN',
};

/**
 * Sendable testdata in rounds: files sharing a SOP Instance UID (twins) go in different rounds; the
 * UIDs are the dataset's (0008,0018), which storescu sends, and `sopInstanceUid` is set to it. Files
 * whose meta lacks the transfer syntax or SOP UIDs are skipped too (our sender proposes by the meta).
 */
async function testdataRounds(skipped: string[]): Promise<Part10Info[][]> {
  const byUid = new Map<string, Part10Info[]>();
  for (const rel of allDicomFiles()) {
    if (NOT_SENDABLE[rel]) continue;
    let info: Part10Info;
    try {
      const p = path.join(TESTDATA, rel);
      const meta = await readPart10Info(p);
      // storescu needs the meta group's SOP UIDs (readPart10Info gives '' where they are missing).
      if (!meta.sopClassUid || !meta.sopInstanceUid) throw Object.assign(new Error('no SOP UIDs in the meta group'), { code: 'GW_ERR_DICOM_META' });
      info = { ...meta, ...await datasetUidsOf(p) };
    } catch (e) {
      skipped.push(`${rel} (${(e as { code?: string }).code})`);
      continue;
    }
    byUid.set(info.sopInstanceUid, [...(byUid.get(info.sopInstanceUid) ?? []), info]);
  }
  const rounds: Part10Info[][] = [];
  for (const list of byUid.values()) list.forEach((f, i) => (rounds[i] ??= []).push(f));
  return rounds;
}

/** SOP Instance UID → path of the files that appeared in `dir` since the last call (`seen` updated). */
async function freshFiles(dir: string, seen: Set<string>): Promise<Map<string, string>> {
  const fresh = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (seen.has(p)) continue;
    seen.add(p);
    fresh.set((await datasetUidsOf(p)).sopInstanceUid, p);
  }
  return fresh;
}

/** Every named destination has an empty queue and delivered at least `minForwarded[name]`. */
async function drained(d: Daemon, minForwarded: Record<string, number>): Promise<boolean> {
  const s = await d.status();
  return Object.entries(minForwarded).every(([n, min]) => {
    const x = s.destinations.find((y) => y.name === n)!;
    return x.queued === 0 && x.forwarded >= min;
  });
}

test('storescu → pacsgate → Orthanc (byte-identical) and → Implicit-only storescp (transcoded)', { timeout: 300_000 }, async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-fwd-orthanc-'));
  const [orthanc, reference] = await Promise.all([startOrthanc(), startOrthanc({ aeTitle: 'REFERENCE' })]);
  const scp = await startStorescp({ aeTitle: 'IMPLICIT', args: ['+xi', '+B', '--unique-filenames'] });
  const skipped: string[] = [];
  const rounds = await testdataRounds(skipped);
  t.diagnostic(`testdata not sent (no usable file meta): ${skipped.join(', ')}`);
  const all = rounds.flat();
  const profile = { sopClasses: [...new Set(all.map((f) => f.sopClassUid))], transferSyntaxes: [...new Set(all.map((f) => f.transferSyntax))] };
  const exact = await startStorescp({ aeTitle: 'EXACT', args: ['+B', '--unique-filenames'], profile });
  const direct = await startStorescp({ aeTitle: 'DIRECT', args: ['+B', '--unique-filenames'], profile });
  let daemon: Daemon | null = null;
  t.after(async () => {
    await daemon?.kill('SIGTERM');
    await Promise.all([scp.stop(), exact.stop(), direct.stop(), orthanc.stop(), reference.stop()]);
    rmSync(direct.dir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
    rmSync(scp.dir, { recursive: true, force: true });
    rmSync(exact.dir, { recursive: true, force: true });
  });
  daemon = await startDaemon({
    spoolDir: path.join(tmp, 'spool'),
    config: {
      destinations: [
        { name: 'pacs', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort },
        { name: 'implicit', aeTitle: scp.aeTitle, host: '127.0.0.1', port: scp.port },
        { name: 'exact', aeTitle: exact.aeTitle, host: '127.0.0.1', port: exact.port },
      ],
      routes: [
        { callingAeTitle: 'TESTDATA', destinations: ['pacs', 'implicit', 'exact'] },
        { callingAeTitle: 'CTSTUDY', destinations: ['pacs'] },
      ],
    },
  });
  const d = daemon;

  // ---- testdata, round by round ----
  /** UID → whether the latest file sent with it cannot reach the Implicit-only destination. A newer
   *  twin replaces the spooled instance (docs/spool.md "Replace policy"), dead entry included. */
  const deadNow = new Map<string, boolean>();
  let sent = 0;
  let compressedSent = 0;
  const seen = new Set<string>();
  const seenExact = new Set<string>();
  const seenDirect = new Set<string>();
  let asOnDisk = 0;
  let orthancVerbatim = 0;
  for (const [r, files] of rounds.entries()) {
    await storescuSend(files.map((f) => f.path), d.dicomPort, 'PACSGATE', 'TESTDATA');
    await storescuSend(files.map((f) => f.path), reference.dicomPort, reference.aeTitle);
    await storescuSend(files.map((f) => f.path), direct.port, direct.aeTitle);
    sent += files.length;
    const compressed = files.filter((f) => !isNativeSyntax(f.transferSyntax) && !canTranscode(f.transferSyntax, IMPLICIT_LE));
    compressedSent += compressed.length;
    for (const f of files) deadNow.set(f.sopInstanceUid, compressed.includes(f));
    await waitFor(`round ${r} forwarded`, 60_000, () => drained(d, { pacs: sent, implicit: sent - compressedSent, exact: sent }))
      .catch(async (e: Error) => { throw new Error(`${e.message}\n${JSON.stringify((await d.status()).destinations)}\n${JSON.stringify(d.logs.filter((l) => (l.level as number) >= 40).slice(-5))}`); });

    // What storescu sent (bit-preserving storescp fed directly) reached the bit-preserving storescp
    // behind pacsgate byte for byte; Orthanc holds each instance as it stores a direct storescu send.
    const exactFresh = await freshFiles(exact.dir, seenExact);
    const directFresh = await freshFiles(direct.dir, seenDirect);
    for (const f of files) {
      const rel = path.relative(TESTDATA, f.path);
      const sentFile = directFresh.get(f.sopInstanceUid);
      assert.ok(sentFile, `${rel}: not received by the direct storescp`);
      const want = await datasetOf(sentFile);
      if (want.dataset.equals((await datasetOf(f.path)).dataset)) asOnDisk++;
      const stored = await orthanc.fileOf(f.sopInstanceUid);
      assert.ok(stored, `Orthanc lacks ${rel}`);
      const got = await datasetOfBuffer(stored);
      assert.equal(got.info.transferSyntax, f.transferSyntax, `${rel}: syntax at Orthanc`);
      if (got.dataset.equals(want.dataset)) orthancVerbatim++;
      else {
        const direct = await reference.fileOf(f.sopInstanceUid);
        assert.ok(direct, `reference Orthanc lacks ${rel}`);
        assert.ok(got.dataset.equals((await datasetOfBuffer(direct)).dataset), `${rel}: dataset at Orthanc differs from the sent one and from a direct storescu send`);
      }
      const ex = exactFresh.get(f.sopInstanceUid);
      assert.ok(ex, `${rel}: not received by the bit-preserving storescp`);
      const exDs = await datasetOf(ex);
      assert.equal(exDs.info.transferSyntax, f.transferSyntax, `${rel}: syntax at the bit-preserving storescp`);
      assert.ok(exDs.dataset.equals(want.dataset), `${rel}: dataset received by the bit-preserving storescp differs from the one sent`);
    }

    // The Implicit-only storescp: the files new since the last round, by SOP Instance UID.
    const fresh = await freshFiles(scp.dir, seen);
    for (const f of files) {
      const rel = path.relative(TESTDATA, f.path);
      const got = fresh.get(f.sopInstanceUid);
      if (compressed.includes(f)) {
        assert.equal(got, undefined, `${rel}: compressed input reached the Implicit-only destination`);
        continue;
      }
      assert.ok(got, `${rel}: not received by the Implicit-only storescp`);
      const gotDs = await datasetOf(got);
      assert.equal(gotDs.info.transferSyntax, IMPLICIT_LE, `${rel}: arrived in ${gotDs.info.transferSyntax}`);
      if (f.transferSyntax === IMPLICIT_LE) {
        assert.ok(gotDs.dataset.equals((await datasetOf(f.path)).dataset), `${rel}: Implicit LE input not byte-identical`);
        continue;
      }
      const ref = path.join(tmp, `ref-${r}-${path.basename(f.path)}`);
      // DCMTK's own conversion: dcmconv for native inputs, its decoders for compressed ones.
      const tool = f.transferSyntax === '1.2.840.10008.1.2.5' ? 'dcmdrle' : f.transferSyntax.startsWith('1.2.840.10008.1.2.4.') ? 'dcmdjpeg' : 'dcmconv';
      if (tool === 'dcmconv') await dcmconv(['+ti'], f.path, ref);
      else execFileSync(tool, ['+ti', f.path, ref]);
      const [mine, dcmtk] = [await pixelDataOf(got), await pixelDataOf(ref)];
      assert.ok(dcmtk, `${rel}: ${tool} output has no Pixel Data`);
      assert.ok(mine?.equals(dcmtk), `${rel}: Pixel Data differs from ${tool} +ti`);
    }
    const implicit = await waitFor('dead letters settled', 10_000, async () => {
      const x = await d.destination('implicit');
      return x.deadLetter === [...deadNow.values()].filter(Boolean).length && x;
    });
    assert.equal(implicit.forwarded, sent - compressedSent);
  }
  t.diagnostic(`testdata: storescu sent ${asOnDisk} of ${sent} datasets as on disk; Orthanc stored ${orthancVerbatim} verbatim, the rest as it stores a direct storescu send`);
  t.diagnostic(`testdata: ${sent} instances in ${rounds.length} rounds; ${compressedSent} compressed instances dead-lettered for the Implicit-only destination`);

  // Dead letters: only the compressed ones, only for 'implicit', with the reason.
  const dl = await d.api<{ deadLetters: DeadLetterJson[] }>('GET', '/api/dead-letters');
  assert.equal(dl.status, 200);
  assert.deepEqual(dl.body.deadLetters.filter((x) => x.destination !== 'implicit'), []);
  assert.deepEqual(new Set(dl.body.deadLetters.map((x) => x.sopInstanceUid)), new Set([...deadNow].filter(([, dead]) => dead).map(([uid]) => uid)));
  for (const x of dl.body.deadLetters) assert.match(x.lastError, /cannot transcode/);

  // ---- a generated 500-instance CT study ----
  const ct = writeCtStudy(path.join(tmp, 'ct'), 500, { rows: 256, cols: 256 });
  const before = (await d.destination('pacs')).forwarded;
  const t0 = Date.now();
  await storescuSend(ct.map((f) => f.path), d.dicomPort, 'PACSGATE', 'CTSTUDY');
  const tRecv = Date.now() - t0;
  await waitFor('CT study forwarded', 120_000, () => drained(d, { pacs: before + 500 }));
  t.diagnostic(`CT study: 500 × 128 KiB received in ${tRecv} ms, all forwarded ${Date.now() - t0} ms after the first send`);
  const pacs = await d.destination('pacs');
  assert.equal(pacs.forwarded, before + 500);
  assert.equal(pacs.deadLetter, 0);
  for (const f of ct) {
    const stored = await orthanc.fileOf(f.sopInstanceUid);
    assert.ok(stored, `Orthanc lacks CT ${f.sopInstanceUid}`);
    assert.ok((await datasetOfBuffer(stored)).dataset.equals((await datasetOf(f.path)).dataset), `CT ${path.basename(f.path)} differs at Orthanc`);
  }
  const distinct = new Set(rounds.flat().map((f) => f.sopInstanceUid)).size;
  assert.equal(await orthanc.countInstances(), distinct + 500);
});
