// Test helper: the public test files (../shared/testdata) as a send corpus for DCMTK peers, the bytes
// DCMTK puts on the wire for each (dcmconv in the negotiated transfer syntax, meta header removed), and
// reading instances back from a spool. Copies live in a temp directory; the repo never holds them.
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Spool } from '../../src/spool/index.js';
import { crc32c } from '../../src/native/binding.js';
import { crc32cDigestString } from '../../src/spool/digest.js';
import { allDicomFiles, TESTDATA } from './testdata.js';
import { crcDigest, readMeta, run, silentLog, TS } from './net.js';

/**
 * Files DCMTK 3.6.7's storescu cannot send, each with the reason (checked by hand, see the brief's
 * "every file DCMTK can send"); everything else in testdata must go through.
 */
export const UNSENDABLE: Record<string, string> = {
  'pydicom/ExplVR_BigEndNoMeta.dcm': 'no Part-10 meta header: storescu cannot tell the SOP class',
  'pydicom/no_meta.dcm': 'no Part-10 meta header',
  'pydicom/MR_truncated.dcm': 'truncated on purpose: DCMTK fails to read it',
  'pydicom/rtplan_truncated.dcm': 'truncated on purpose: DCMTK fails to read it',
  'pydicom/priv_SQ.dcm': 'no SOP Class/Instance UID in the file: storescu refuses it',
  'pydicom/nested_priv_SQ.dcm': 'no SOP Class/Instance UID in the file: storescu refuses it',
  // Implicit VR data sets under an RLE Lossless (explicit VR) meta header: DCMTK reads every element
  // as UN and finds no SOP Instance UID ("missing SOP class (or instance) in file").
  'pydicom/rtdose_rle.dcm': 'implicit VR data set under an RLE meta header: DCMTK finds no SOP UIDs',
  'pydicom/rtdose_rle_1frame.dcm': 'implicit VR data set under an RLE meta header: DCMTK finds no SOP UIDs',
  'pylibjpeg-data/ds/RLELossless/rtdose_rle.dcm': 'implicit VR data set under an RLE meta header: DCMTK finds no SOP UIDs',
  'pylibjpeg-data/ds/RLELossless/rtdose_rle_1frame.dcm': 'implicit VR data set under an RLE meta header: DCMTK finds no SOP UIDs',
};

/** Uncompressed transfer syntaxes: storescu converts between these (and to Deflated) itself. */
export const UNCOMPRESSED = new Set<string>([TS.IMPLICIT_LE, TS.EXPLICIT_LE, TS.EXPLICIT_BE]);

export interface CorpusFile {
  /** Path relative to testdata. */
  source: string;
  /** The copy that is sent (SOP Instance UID rewritten, so twins in testdata do not replace each other). */
  file: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntax: string;
}

/**
 * Copies every sendable testdata file into `dir` with a distinct SOP Instance UID (`dcmodify -i`
 * updates (0008,0018) and the meta header's (0002,0003); nothing else changes in the data set).
 * `tag` keeps UIDs distinct between corpora.
 */
export async function prepareCorpus(dir: string, tag: number): Promise<CorpusFile[]> {
  const out: CorpusFile[] = [];
  const files = allDicomFiles().filter((f) => !(f in UNSENDABLE));
  for (let i = 0; i < files.length; i++) {
    const file = path.join(dir, `${String(i).padStart(2, '0')}-${path.basename(files[i])}`);
    copyFileSync(path.join(TESTDATA, files[i]), file);
    chmodSync(file, 0o644);
    const uid = `2.25.${tag}${String(i).padStart(3, '0')}${process.pid}`;
    const r = await run('dcmodify', ['-nb', '-q', '-i', `(0008,0018)=${uid}`, file]);
    let m = readMeta(readFileSync(file));
    if (r.code !== 0 || m.sopInstanceUid !== uid) {
      // should DCMTK misread a file, rewriting would damage it: send it as it is, with its own UID
      copyFileSync(path.join(TESTDATA, files[i]), file);
      m = readMeta(readFileSync(file));
    }
    out.push({ source: files[i], file, sopClassUid: m.sopClassUid, sopInstanceUid: m.sopInstanceUid, transferSyntax: m.transferSyntax });
  }
  // Two instances with one UID: the second replaces the first in the spool (docs/spool.md), which
  // would hide the first from the check.
  assert.equal(new Set(out.map((f) => f.sopInstanceUid)).size, out.length, 'distinct SOP Instance UIDs');
  return out;
}

const DCMCONV_TS: Record<string, string> = {
  [TS.IMPLICIT_LE]: '+ti', [TS.EXPLICIT_LE]: '+te', [TS.EXPLICIT_BE]: '+tb', [TS.DEFLATED]: '+td',
};

/**
 * SHA-256 and length of the data set DCMTK sends for `file` in transfer syntax `ts`: dcmconv writes it
 * as a data set without meta header (-F implies no trailing padding, which storescu drops too).
 * A compressed syntax other than the file's own cannot be produced by storescu, so it is an error here.
 */
export async function expectedDataset(file: string, fileTs: string, ts: string, tmp: string): Promise<{ sha256: string; digest: string; bytes: number }> {
  const opt = DCMCONV_TS[ts] ?? (ts === fileTs ? '+t=' : undefined);
  assert.ok(opt, `DCMTK cannot send ${path.basename(file)} (${fileTs}) in ${ts}`);
  // A compressed file sent uncompressed was decoded by the sender (dcmsend +dls): DCMTK's own decoders.
  const tool = UNCOMPRESSED.has(ts) && !UNCOMPRESSED.has(fileTs) && fileTs !== TS.DEFLATED
    ? (fileTs === TS.RLE ? 'dcmdrle' : 'dcmdjpeg') : 'dcmconv';
  const out = path.join(tmp, `expected-${path.basename(file)}.raw`);
  const r = await run(tool, [opt, '-F', file, out]);
  assert.equal(r.code, 0, `${tool} ${file}: ${r.stderr}`);
  const b = readFileSync(out);
  return { sha256: createHash('sha256').update(b).digest('hex'), digest: crcDigest(b), bytes: b.length };
}

/** Reads an instance's stored bytes chunk by chunk and hashes them: SHA-256 and the record's CRC-32C digest string (never the whole instance in memory). */
export async function hashStored(spool: Spool, id: number): Promise<{ sha256: string; digest: string; bytes: number }> {
  const h = createHash('sha256');
  let crc = 0;
  let bytes = 0;
  for await (const c of spool.readDataset(id)) {
    h.update(c);
    crc = crc32c(c, crc);
    bytes += c.length;
  }
  return { sha256: h.digest('hex'), digest: crc32cDigestString(crc), bytes };
}

/** Opens a spool the daemon has left (its pid lock is taken over only when the daemon is gone). */
export function openSpool(dir: string): Promise<Spool> {
  return Spool.open({ dir, maxBytes: null, log: silentLog() });
}

/** Opens a spool and reports how many partial instances its recovery removed (from the 'spool open' log). */
export async function openSpoolReport(dir: string): Promise<{ spool: Spool; partialsRemoved: number }> {
  const lines: Array<{ msg?: string; partialsRemoved?: number }> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { msg?: string }) });
  const spool = await Spool.open({ dir, maxBytes: null, log });
  const open = lines.find((l) => l.msg === 'spool open');
  assert.ok(open, 'spool open logged');
  return { spool, partialsRemoved: Number(open.partialsRemoved) };
}

/** A storescu -xf configuration: profile `name` with one presentation context per (SOP class, syntax). */
export function writeStorescuConfig(file: string, name: string, pairs: Array<{ sopClassUid: string; transferSyntax: string }>): number {
  const syntaxes = [...new Set(pairs.map((p) => p.transferSyntax))];
  const seen = new Set<string>();
  const contexts: string[] = [];
  for (const p of pairs) {
    const k = `${p.sopClassUid}\\TS${syntaxes.indexOf(p.transferSyntax)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    contexts.push(`PresentationContext${contexts.length + 1} = ${k}`);
  }
  assert.ok(contexts.length <= 128, 'at most 128 presentation contexts (PS3.8 §9.3.2.2)');
  const lines = ['[[TransferSyntaxes]]'];
  syntaxes.forEach((ts, i) => lines.push(`[TS${i}]`, `TransferSyntax1 = ${ts}`));
  lines.push('[[PresentationContexts]]', '[Contexts]', ...contexts, '[[Profiles]]', `[${name}]`, 'PresentationContexts = Contexts', '');
  writeFileSync(file, lines.join('\n'));
  return contexts.length;
}
