import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allDicomFiles, TESTDATA } from '../../helpers/testdata.js';
import { parseChunked } from '../../helpers/events.js';
import { DatasetReader } from '../../../src/dicom/reader.js';

/** Files broken on purpose (testdata README) and the error each must give. */
const BROKEN: Record<string, string> = {
  'pydicom/MR_truncated.dcm': 'GW_ERR_DICOM_TRUNCATED',
  'pydicom/rtplan_truncated.dcm': 'GW_ERR_DICOM_TRUNCATED',
  // Starts with a stray 0x20 byte before (0008,0005), so the first "length" points far past the end;
  // DCMTK's dcmdump fails on it the same way.
  'pydicom/no_meta.dcm': 'GW_ERR_DICOM_TRUNCATED',
};

for (const file of allDicomFiles()) {
  test(`parse ${file}: same elements whole and in 1, 7 and 65536-byte chunks`, async () => {
    const buf = readFileSync(path.join(TESTDATA, file));
    const whole = await parseChunked(buf, 0);
    if (BROKEN[file]) {
      assert.equal(whole.error?.code, BROKEN[file], `${file}: ${whole.error?.message}`);
      assert.equal(typeof whole.error?.offset, 'number');
    } else {
      assert.equal(whole.error, undefined, `${file}: ${whole.error?.message}`);
      assert.ok(whole.events.length > 5);
    }
    for (const size of [1, 7, 65536]) {
      const part = await parseChunked(buf, size);
      assert.deepEqual(part.events, whole.events, `${file} in ${size}-byte chunks`);
      assert.equal(part.error?.code, whole.error?.code);
      assert.equal(part.error?.offset, whole.error?.offset);
    }
  });
}

/** (tag, length) of every element dcmdump prints, in order, without synthetic delimiters. */
function dcmdumpElements(file: string): string[] {
  const out = execFileSync('dcmdump', ['-q', '+L', '+E', file], { encoding: 'latin1', maxBuffer: 64 << 20 });
  const res: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\(([0-9a-f]{4}),([0-9a-f]{4})\) (\S\S) .*#\s*(u\/l|\d+),/.exec(line);
    if (!m || line.includes('for re-encod')) continue;
    res.push(`${m[1]}${m[2]} ${m[4] === 'u/l' ? 4294967295 : Number(m[4])}`);
  }
  return res;
}

test('element tags and lengths agree with dcmdump for every readable file', async () => {
  let compared = 0;
  for (const file of allDicomFiles()) {
    if (BROKEN[file] || file.endsWith('ExplVR_BigEndNoMeta.dcm')) continue;
    const full = path.join(TESTDATA, file);
    const ours: string[] = [];
    const r = new DatasetReader({
      element: (e) => ours.push(`${e.tag.toString(16).padStart(8, '0')} ${e.length}`),
      bulkStart: (e) => ours.push(`${e.tag.toString(16).padStart(8, '0')} ${e.length}`),
      sequenceStart: (e) => ours.push(`${e.tag.toString(16).padStart(8, '0')} ${e.length}`),
      encapsulatedStart: (e) => ours.push(`${e.tag.toString(16).padStart(8, '0')} ${e.length}`),
      itemStart: (e) => ours.push(`fffee000 ${e.length}`),
      itemEnd: (e) => { if (e.length === 0xffffffff) ours.push('fffee00d 0'); },
      sequenceEnd: (e) => { if (e.length === 0xffffffff) ours.push('fffee0dd 0'); },
      encapsulatedEnd: () => ours.push('fffee0dd 0'),
      fragmentStart: (e) => ours.push(`fffee000 ${e.length}`),
    });
    r.write(readFileSync(full));
    await r.end();
    // DCMTK pads an odd-length value by one byte when it reads it (nested_priv_SQ.dcm has one).
    const padded = ours.map((s) => s.replace(/ (\d+)$/, (_m, n: string) => ` ${Number(n) % 2 && Number(n) !== 4294967295 ? Number(n) + 1 : n}`));
    assert.deepEqual(padded, dcmdumpElements(full), file);
    compared++;
  }
  assert.ok(compared > 40, `compared ${compared} files`);
});

test('Deflated Explicit VR LE (made by dcmconv +td) parses to the same elements as the original', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-defl-'));
  const src = path.join(TESTDATA, 'pydicom/CT_small.dcm');
  const defl = path.join(dir, 'ct-deflated.dcm');
  execFileSync('dcmconv', ['+td', src, defl]);
  const strip = (evs: string[]): string[] => evs.filter((e) => !e.startsWith('meta') && !e.includes(' 0002')).map((e) => e.replace(/ @\d+/, ''));
  const a = await parseChunked(readFileSync(src), 0);
  for (const size of [0, 1, 7, 65536]) {
    const b = await parseChunked(readFileSync(defl), size);
    assert.equal(b.error, undefined, b.error?.message);
    const body = (evs: string[]): string[] => strip(evs).filter((e) => !/^el 0002/.test(e));
    assert.deepEqual(body(b.events).filter((e) => !e.startsWith('el 0002')), body(a.events).filter((e) => !e.startsWith('el 0002')));
  }
  const bad = readFileSync(defl);
  bad.fill(0xff, bad.length - 200);
  const broken = await parseChunked(bad, 0);
  assert.ok(broken.error, 'corrupted deflate stream must fail');
  assert.match(String(broken.error?.code), /GW_ERR_DICOM_(DEFLATE|TRUNCATED|VR|LENGTH|NESTING|UNCLOSED)/);
});

test('write() keeps nothing of its chunk: input overwritten after every write parses the same (plain and deflated)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-reuse-'));
  const src = path.join(TESTDATA, 'pydicom/CT_small.dcm');
  const defl = path.join(dir, 'ct-deflated.dcm');
  execFileSync('dcmconv', ['+td', src, defl]);
  for (const file of [src, defl]) {
    const want = await parseChunked(readFileSync(file), 0);
    assert.equal(want.error, undefined, want.error?.message);
    for (const size of [1, 7, 4096]) {
      const got = await parseChunked(readFileSync(file), size, undefined, true);
      assert.equal(got.error, undefined, `${path.basename(file)} in ${size}-byte pieces: ${got.error?.message}`);
      assert.deepEqual(got.events, want.events, `${path.basename(file)} in ${size}-byte pieces`);
    }
  }
});

// ---- synthetic inputs: explicit VR LE bare datasets ----
const le16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const le32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const tag = (g: number, e: number): Buffer => Buffer.concat([le16(g), le16(e)]);
const short = (g: number, e: number, vr: string, v: Buffer): Buffer => Buffer.concat([tag(g, e), Buffer.from(vr), le16(v.length), v]);
const long = (g: number, e: number, vr: string, len: number, v = Buffer.alloc(0)): Buffer => Buffer.concat([tag(g, e), Buffer.from(vr), Buffer.alloc(2), le32(len), v]);
const item = (len: number): Buffer => Buffer.concat([tag(0xfffe, 0xe000), le32(len)]);
const itemEnd = Buffer.concat([tag(0xfffe, 0xe00d), le32(0)]);
const seqEnd = Buffer.concat([tag(0xfffe, 0xe0dd), le32(0)]);
const EXPL = { format: 'dataset', transferSyntax: '1.2.840.10008.1.2.1' } as const;

async function errorOf(buf: Buffer): Promise<{ code?: string; offset?: number; message?: string }> {
  for (const size of [0, 1, 3]) {
    const r = await parseChunked(buf, size, EXPL);
    if (!r.error) return {};
    if (size === 0) var first = r.error; // eslint-disable-line no-var
    else assert.equal(r.error.offset, first!.offset, 'same offset whatever the chunking');
  }
  return first!;
}

test('bad input gives typed errors with byte offsets', async () => {
  const cs = short(0x0008, 0x0060, 'CS', Buffer.from('CT'));
  assert.deepEqual(await errorOf(cs), {});
  // truncated header
  assert.equal((await errorOf(Buffer.concat([cs, tag(0x0010, 0x0010), Buffer.from('P')]))).code, 'GW_ERR_DICOM_TRUNCATED');
  // length past the end of the stream
  const past = await errorOf(Buffer.concat([cs, short(0x0010, 0x0010, 'PN', Buffer.from('AB')).subarray(0, 8), Buffer.from('A')]));
  assert.equal(past.code, 'GW_ERR_DICOM_TRUNCATED');
  // a 4 GiB - 2 length ("lying length field")
  assert.equal((await errorOf(Buffer.concat([cs, long(0x0009, 0x1010, 'OB', 0xfffffffe, Buffer.alloc(16))]))).code, 'GW_ERR_DICOM_TRUNCATED');
  // unknown VR, at the VR's offset
  const vr = await errorOf(Buffer.concat([cs, short(0x0010, 0x0010, 'ZZ', Buffer.from('AB'))]));
  assert.deepEqual([vr.code, vr.offset], ['GW_ERR_DICOM_VR', cs.length + 4]);
  // a US value of 3 bytes
  const odd = await errorOf(Buffer.concat([cs, short(0x0028, 0x0010, 'US', Buffer.from([1, 2, 3]))]));
  assert.deepEqual([odd.code, odd.offset], ['GW_ERR_DICOM_ODD_LENGTH', cs.length]);
  // a sequence that never closes
  assert.equal((await errorOf(Buffer.concat([cs, long(0x0008, 0x1115, 'SQ', 0xffffffff), item(0xffffffff), cs]))).code, 'GW_ERR_DICOM_UNCLOSED');
  // an item whose element runs past the item's defined length
  const over = Buffer.concat([long(0x0008, 0x1115, 'SQ', 8 + 6), item(6), cs]);
  assert.equal((await errorOf(over)).code, 'GW_ERR_DICOM_LENGTH');
  // undefined length on a text element
  assert.equal((await errorOf(Buffer.concat([cs, tag(0x0010, 0x0010), Buffer.from('PN'), le16(0xffff)]))).code, 'GW_ERR_DICOM_TRUNCATED', 'PN length 0xFFFF is a defined 65535-byte value: truncated, not undefined');
  assert.equal((await errorOf(long(0x0008, 0x0016, 'UT', 0xffffffff))).code, 'GW_ERR_DICOM_LENGTH');
  // an item at the top level and a delimiter outside a sequence
  assert.equal((await errorOf(Buffer.concat([cs, item(0)]))).code, 'GW_ERR_DICOM_NESTING');
  assert.equal((await errorOf(Buffer.concat([cs, seqEnd]))).code, 'GW_ERR_DICOM_NESTING');
  // absurd nesting
  const deep: Buffer[] = [];
  for (let i = 0; i < 40; i++) deep.push(long(0x0008, 0x1115, 'SQ', 0xffffffff), item(0xffffffff));
  assert.equal((await errorOf(Buffer.concat(deep))).code, 'GW_ERR_DICOM_NESTING');
  // no DICM after a preamble when Part 10 is required
  const r = await parseChunked(Buffer.alloc(200), 0, { format: 'part10' });
  assert.equal(r.error?.code, 'GW_ERR_DICOM_PREAMBLE');
});

test('nested sequences with defined and undefined lengths close in the right places', async () => {
  const cs = short(0x0008, 0x0060, 'CS', Buffer.from('MR'));
  const inner = Buffer.concat([long(0x0040, 0xa730, 'SQ', 0xffffffff), item(cs.length), cs, seqEnd]);
  const buf = Buffer.concat([long(0x0008, 0x1115, 'SQ', 8 + inner.length + 16), item(inner.length), inner, item(0xffffffff), itemEnd, cs]);
  const whole = await parseChunked(buf, 0, EXPL);
  assert.equal(whole.error, undefined);
  const kinds = whole.events.map((e) => e.split(' ')[0]);
  assert.deepEqual(kinds, ['seq', 'item', 'seq', 'item', 'el', '/item', '/seq', '/item', 'item', '/item', '/seq', 'el']);
  const depths = whole.events.filter((e) => e.startsWith('el')).map((e) => / d(\d+)/.exec(e)![1]);
  assert.deepEqual(depths, ['2', '0']);
});

test('bulk values are slices of the input (no copy) and values above bulkThreshold stream', async () => {
  const big = Buffer.alloc(1000, 7);
  const buf = Buffer.concat([long(0x7fe0, 0x0010, 'OW', big.length, big), short(0x0020, 0x4000, 'LT', Buffer.alloc(200, 0x41))]);
  const seen: Buffer[] = [];
  let inline = 0;
  const r = new DatasetReader({ bulkData: (_e, c) => seen.push(c), element: () => inline++ }, { ...EXPL, bulkThreshold: 100 });
  r.write(buf);
  await r.end();
  assert.equal(seen.length, 2);
  assert.equal(seen[0].buffer, buf.buffer, 'pixel data handed over as a view of the input');
  assert.equal(seen[0].byteOffset, buf.byteOffset + 12);
  assert.equal(inline, 0, 'the 200-byte LT streamed as bulk above the 100-byte threshold');
});
