import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES, hex } from '../../../fixtures/pdu/fixtures.js';
import { decodeControlPdu, encodePdu, pDataHeaders } from '../../../../src/net/pdu/codec.js';
import { PduReader, type ReaderEvent } from '../../../../src/net/pdu/reader.js';
import type { Pdu, Pdv } from '../../../../src/net/pdu/types.js';

/** Runs the reader over chunks and rebuilds whole PDUs from its events (PDV slices joined per PDV). */
function readAll(chunks: Buffer[], maxPduLength = 16384): { pdus: Pdu[]; errors: ReaderEvent[] } {
  const r = new PduReader({ maxPduLength });
  const pdus: Pdu[] = [];
  const errors: ReaderEvent[] = [];
  let pdvs: Pdv[] | null = null;
  let parts: Buffer[] = [];
  const drain = (): void => {
    for (let ev = r.next(); ev; ev = r.next()) {
      if (ev.type === 'pdu') pdus.push(ev.pdu);
      else if (ev.type === 'data-start') pdvs = [];
      else if (ev.type === 'pdv') {
        parts.push(ev.data);
        if (ev.end) {
          pdvs!.push({ contextId: ev.contextId, control: ev.control, data: Buffer.concat(parts) });
          parts = [];
        }
      } else if (ev.type === 'data-end') {
        pdus.push({ type: 0x04, pdvs: pdvs! });
        pdvs = null;
      } else errors.push(ev);
    }
  };
  for (const c of chunks) {
    r.push(c);
    drain();
  }
  return { pdus, errors };
}

for (const f of FIXTURES) {
  test(`encode: ${f.name}`, () => {
    assert.equal(encodePdu(f.pdu).toString('hex'), f.bytes.toString('hex'));
  });
  if (f.pdu.type !== 0x04) {
    test(`decode: ${f.name}`, () => {
      assert.deepEqual(decodeControlPdu(f.bytes[0], f.bytes.subarray(6)), f.pdu);
    });
  }
  test(`reader whole, split at every offset, joined to the next PDU: ${f.name}`, () => {
    assert.deepEqual(readAll([f.bytes]), { pdus: [f.pdu], errors: [] });
    for (let i = 1; i < f.bytes.length; i++) {
      const got = readAll([f.bytes.subarray(0, i), f.bytes.subarray(i)]);
      assert.deepEqual(got, { pdus: [f.pdu], errors: [] }, `split at ${i}`);
    }
    for (const g of FIXTURES) {
      const joined = Buffer.concat([f.bytes, g.bytes]);
      assert.deepEqual(readAll([joined]), { pdus: [f.pdu, g.pdu], errors: [] }, `joined to ${g.name}`);
    }
    // one byte at a time
    assert.deepEqual(readAll([...f.bytes].map((b) => Buffer.from([b]))), { pdus: [f.pdu], errors: [] });
  });
}

test('pDataHeaders: the 12 bytes before the data of a single-PDV P-DATA-TF, as encodePdu writes them', () => {
  for (const [length, contextId, control] of [[0, 1, 0x02], [16372, 3, 0x00], [131_066, 255, 0x03], [1, 127, 0x01]]) {
    const data = Buffer.alloc(length, 0xab);
    const whole = encodePdu({ type: 0x04, pdvs: [{ contextId, control, data }] });
    const h = pDataHeaders(length, contextId, control);
    assert.equal(h.length, 12);
    assert.deepEqual(h, whole.subarray(0, 12), `length ${length}`);
  }
  // From the pooled allocator: every byte is written, whatever the pool held before.
  Buffer.allocUnsafe(64).fill(0xff);
  assert.deepEqual(pDataHeaders(0, 1, 0), Buffer.from([4, 0, 0, 0, 0, 6, 0, 0, 0, 2, 1, 0]));
});

test('PDV slices are views of the input buffers, not copies', () => {
  const bytes = FIXTURES.find((f) => f.pdu.type === 0x04)!.bytes;
  const r = new PduReader({ maxPduLength: 16384 });
  r.push(bytes);
  const slices: Buffer[] = [];
  for (let ev = r.next(); ev; ev = r.next()) if (ev.type === 'pdv') slices.push(ev.data);
  assert.equal(slices.length, 2);
  for (const s of slices) assert.equal(s.buffer, bytes.buffer);
});

test('detach(): what the reader still holds of a reused input buffer is copied, the rest untouched', () => {
  const bytes = FIXTURES.find((f) => f.pdu.type === 0x04)!.bytes;
  const want: string[] = [];
  const all = new PduReader({ maxPduLength: 16384 });
  all.push(bytes);
  for (let ev = all.next(); ev; ev = all.next()) if (ev.type === 'pdv') want.push(ev.data.toString('hex'));
  // Stop after the first PDV (a consumer that paused the socket), detach, overwrite the input.
  const read = Buffer.from(bytes);
  const owned = Buffer.from('ffff', 'hex');
  const r = new PduReader({ maxPduLength: 16384 });
  r.push(read);
  const got: string[] = [];
  for (let ev = r.next(); ev; ev = r.next()) {
    if (ev.type !== 'pdv') continue;
    got.push(ev.data.toString('hex'));
    break;
  }
  r.detach(owned); // not what it holds: changes nothing
  r.detach(read);
  read.fill(0xee);
  for (let ev = r.next(); ev; ev = r.next()) if (ev.type === 'pdv') got.push(ev.data.toString('hex'));
  assert.deepEqual(got, want);
  assert.equal(r.atBoundary, true);
});

test('P-DATA-TF over the advertised maximum + tolerance is a protocol error (reason 6)', () => {
  const { errors } = readAll([hex('04 00 00 02 00 01')], 65536); // 131073 > 65536 + 65536
  assert.equal(errors.length, 1);
  assert.deepEqual({ ...errors[0], message: '' }, { type: 'error', reason: 6, message: '' });
});

test('P-DATA-TF within the tolerance is read', () => {
  const { errors } = readAll([hex('04 00 00 01 00 00')], 65536);
  assert.equal(errors.length, 0);
});

test('a length of 4 GiB - 1 is refused at once, for every PDU type', () => {
  for (const t of [1, 2, 3, 4, 5, 6, 7]) {
    const { errors } = readAll([Buffer.from([t, 0, 0xff, 0xff, 0xff, 0xff])]);
    assert.equal(errors.length, 1, `type ${t}`);
  }
});

test('unrecognized PDU type → reason 1 (unrecognized-PDU)', () => {
  const { errors } = readAll([hex('09 00 00000004 00000000')]);
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as { reason: number }).reason, 1);
});

test('a PDV that overruns its P-DATA-TF is refused', () => {
  const { errors } = readAll([hex('04 00 00000008 00000010 01 00 0000')]);
  assert.equal(errors.length, 1);
});

test('a truncated A-ASSOCIATE-RQ body is refused with a decode error', () => {
  const { errors } = readAll([hex('01 00 00000006 0001 0000 4142')]);
  assert.equal(errors.length, 1);
});

test('unknown items and user-info sub-items are skipped or kept, not fatal', () => {
  const rq = FIXTURES[0].bytes;
  const extra = hex('77 00 0002 abcd'); // unknown item type 0x77 appended after user information
  const body = Buffer.concat([rq.subarray(6), extra]);
  const pdu = decodeControlPdu(1, body);
  assert.equal(pdu.type, 1);
});

test('user information: an unknown sub-item (0x57 here) is kept raw and re-encoded verbatim', () => {
  const rq = FIXTURES[0].pdu;
  assert.equal(rq.type, 1);
  if (rq.type !== 1) return;
  const withOther = { ...rq, userInfo: { ...rq.userInfo, other: [{ type: 0x57, value: hex('0003 312e32 0000 0000') }] } };
  const bytes = encodePdu(withOther);
  const back = decodeControlPdu(1, bytes.subarray(6));
  assert.deepEqual(back, withOther);
});

test('presentation context RQ with several transfer syntaxes and a NUL-padded UID', () => {
  const body = hex(`
    0001 0000 ${Buffer.from('SCP'.padEnd(16)).toString('hex')} ${Buffer.from('SCU'.padEnd(16)).toString('hex')} ${'00'.repeat(32)}
    10 00 0016 ${Buffer.from('1.2.840.10008.3.1.1.1\0').toString('hex')}
    20 00 0046 03 00 00 00
      30 00 0012 ${Buffer.from('1.2.840.10008.1.1\0').toString('hex')}
      40 00 0011 ${Buffer.from('1.2.840.10008.1.2').toString('hex')}
      40 00 0013 ${Buffer.from('1.2.840.10008.1.2.1').toString('hex')}
  `);
  const pdu = decodeControlPdu(1, body);
  assert.equal(pdu.type, 1);
  if (pdu.type !== 1) return;
  assert.equal(pdu.applicationContext, '1.2.840.10008.3.1.1.1');
  assert.deepEqual(pdu.presentationContexts, [{ id: 3, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'] }]);
  assert.deepEqual(pdu.userInfo, { roleSelections: [], extendedNegotiations: [], other: [] });
});
