// DCMTK echoscu / storescu / dcmsend against startDicomServer. The sink hashes what arrives; the
// expected bytes are the data set DCMTK's dcmconv writes in the negotiated transfer syntax with
// padding removed (-p), since storescu drops Data Set Trailing Padding and converts where it must.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDicomServer, type DicomServer } from '../../../src/net/server.js';
import { datasetOffset, hashingHandlers, run, sha256, silentLog, testPolicy, TESTDATA, TS, type Received } from '../../helpers/net.js';

let server: DicomServer;
let maxPdu = 262144;
const handlers = hashingHandlers();
const tmp = mkdtempSync(path.join(tmpdir(), 'pg-net-'));
before(async () => {
  server = await startDicomServer({ host: '127.0.0.1', port: 0, policy: () => testPolicy({ maxPduLength: maxPdu }), handlers, log: silentLog() });
});
after(async () => {
  await server.close(1000);
  rmSync(tmp, { recursive: true, force: true });
});

const P = (...p: string[]): string => path.join(TESTDATA, ...p);
const UNCOMPRESSED = [P('pydicom', 'CT_small.dcm'), P('pydicom', 'MR_small_implicit.dcm'), P('pydicom', 'MR_small_bigendian.dcm'), P('pylibjpeg-data', 'ds', 'LittleEndianExplicit', 'OBXXXX1A.dcm')];
const MIXED_MR = [P('pydicom', 'MR_small.dcm'), P('pydicom', 'MR_small_implicit.dcm'), P('pydicom', 'MR_small_bigendian.dcm')];

const DCMCONV_TS: Record<string, string> = { [TS.IMPLICIT_LE]: '+ti', [TS.EXPLICIT_LE]: '+te', [TS.EXPLICIT_BE]: '+tb' };
let n = 0;

/** The data set bytes DCMTK puts on the wire for `file` in transfer syntax `ts`. */
async function expectedHash(file: string, ts: string): Promise<string> {
  const out = path.join(tmp, `exp-${n++}.dcm`);
  const r = await run('dcmconv', [DCMCONV_TS[ts] ?? '+t=', '-p', file, out]);
  assert.equal(r.code, 0, r.stderr);
  const b = readFileSync(out);
  return sha256(b.subarray(datasetOffset(b)));
}

async function checkReceived(got: Received[], files: string[]): Promise<void> {
  assert.equal(got.length, files.length, 'one stored instance per file');
  for (let i = 0; i < files.length; i++) {
    assert.equal(got[i].sha256, await expectedHash(files[i], got[i].req.transferSyntax), `${path.basename(files[i])} in ${got[i].req.transferSyntax}`);
  }
}

async function storescu(args: string[], files: string[]): Promise<Received[]> {
  const before = handlers.received.length;
  const r = await run('storescu', ['-aet', 'STORESCU', '-aec', 'PACSGATE', ...args, '127.0.0.1', String(server.port), ...files]);
  assert.equal(r.code, 0, r.stderr);
  return handlers.received.slice(before);
}

test('echoscu against startDicomServer succeeds', async () => {
  const r = await run('echoscu', ['-aet', 'ECHOSCU', '-aec', 'PACSGATE', '127.0.0.1', String(server.port)]);
  assert.equal(r.code, 0, r.stderr);
});

test('storescu default: bytes equal the data set, first transfer syntax of our list that was proposed', async () => {
  const got = await storescu([], UNCOMPRESSED);
  await checkReceived(got, UNCOMPRESSED);
  assert.equal(got[0].req.assoc.callingAe, 'STORESCU');
  assert.equal(got[0].req.transferSyntax, TS.EXPLICIT_LE);
  // The listener's sockets read into the association's reused buffer (src/net/dul/read-buffer.ts).
  assert.equal(got[0].req.assoc.reusesReads, true);
});

test('storescu -xi --max-send-pdu 16384 (many small P-DATA-TF) delivers Implicit VR LE', async () => {
  const got = await storescu(['-xi', '--max-send-pdu', '16384', '--max-pdu', '16384'], UNCOMPRESSED);
  await checkReceived(got, UNCOMPRESSED);
  for (const g of got) assert.equal(g.req.transferSyntax, TS.IMPLICIT_LE);
  assert.ok(got[3].chunks >= Math.floor(got[3].bytes / 16384), 'large file arrived in many PDV slices');
});

test('storescu -xe and -xb with our maximum PDU of 1 MiB', async () => {
  maxPdu = 1048576;
  try {
    const e = await storescu(['-xe', '--max-pdu', '131072'], UNCOMPRESSED);
    await checkReceived(e, UNCOMPRESSED);
    // -xb proposes big endian first, but our preference list decides: explicit LE.
    const b = await storescu(['-xb'], UNCOMPRESSED);
    await checkReceived(b, UNCOMPRESSED);
  } finally {
    maxPdu = 262144;
  }
});

test('several presentation contexts for one SOP class (MR in three transfer syntaxes, -R), +sd directory scan', async () => {
  // -R: only the SOP classes of the files, so each transfer syntax gets its own context (storescu caps at 128).
  const got = await storescu(['-R'], MIXED_MR);
  await checkReceived(got, MIXED_MR);
  const ids = new Set(got.map((g) => g.req.presentationContextId));
  assert.ok(ids.size >= 2, 'more than one presentation context used');
  const dir = P('pylibjpeg-data', 'ds', 'LittleEndianExplicit');
  const scanned = await storescu(['+sd'], [dir]);
  assert.ok(scanned.length >= 5);
  for (const g of scanned) assert.equal(g.bytes > 0, true);
});

test('storescu -xf config file with JPEG, RLE and uncompressed contexts per SOP class', async () => {
  const files = [P('pylibjpeg-data', 'ds', 'JPEGLosslessSV1', 'SC_rgb_jpeg_gdcm.dcm'), P('pydicom', 'CT_small.dcm'), P('pydicom', 'MR_small_RLE.dcm'), P('pydicom', 'MR_small.dcm')];
  const cfg = path.join(tmp, 'storescu.cfg');
  writeFileSync(cfg, [
    '[[TransferSyntaxes]]', '[Uncompressed]', 'TransferSyntax1 = LittleEndianExplicit', 'TransferSyntax2 = LittleEndianImplicit',
    '[JPEGLossless]', 'TransferSyntax1 = JPEGLossless:Non-hierarchical-1stOrderPrediction', '[RLE]', 'TransferSyntax1 = RLELossless',
    '[[PresentationContexts]]', '[Several]',
    'PresentationContext1 = SecondaryCaptureImageStorage\\JPEGLossless',
    'PresentationContext2 = SecondaryCaptureImageStorage\\RLE',
    'PresentationContext3 = SecondaryCaptureImageStorage\\Uncompressed',
    'PresentationContext4 = CTImageStorage\\JPEGLossless',
    'PresentationContext5 = CTImageStorage\\Uncompressed',
    'PresentationContext6 = MRImageStorage\\RLE',
    'PresentationContext7 = MRImageStorage\\Uncompressed',
    '[[Profiles]]', '[Test]', 'PresentationContexts = Several', '',
  ].join('\n'));
  const got = await storescu(['-xf', cfg, 'Test'], files);
  await checkReceived(got, files);
  assert.equal(got[0].req.transferSyntax, TS.JPEG_LOSSLESS_SV1);
  assert.equal(got[2].req.transferSyntax, TS.RLE);
  assert.equal(got[3].req.transferSyntax, TS.EXPLICIT_LE);
  assert.notEqual(got[2].req.presentationContextId, got[3].req.presentationContextId);
});

test('dcmsend stores files too', async () => {
  const files = [P('pydicom', 'CT_small.dcm'), P('pydicom', 'rtplan.dcm')];
  const before = handlers.received.length;
  const r = await run('dcmsend', ['-aet', 'DCMSEND', '-aec', 'PACSGATE', '127.0.0.1', String(server.port), ...files]);
  assert.equal(r.code, 0, r.stderr);
  await checkReceived(handlers.received.slice(before), files);
});

test('a slow sink (every write pauses the socket) still gets exact bytes from storescu', async () => {
  handlers.opts.delayMs = 1;
  try {
    const files = [P('pylibjpeg-data', 'ds', 'LittleEndianExplicit', 'OBXXXX1A.dcm'), P('pydicom', 'CT_small.dcm')];
    const got = await storescu(['--max-send-pdu', '16384'], files);
    await checkReceived(got, files);
  } finally {
    handlers.opts.delayMs = 0;
  }
});
