import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommandSet } from '../../../../src/dicom/command-set.js';
import { MessageAssembler } from '../../../../src/net/dimse/assembler.js';
import { commandPdus, DatasetFramer } from '../../../../src/net/dimse/fragment.js';
import { echoRq, storeRq } from '../../../../src/net/dimse/messages.js';
import { PduReader } from '../../../../src/net/pdu/reader.js';

const STORE = storeRq({ messageId: 1, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3' });

/** Every PDU of a data set pushed through a DatasetFramer in the given chunks. */
function frame(contextId: number, chunks: Buffer[], maxPdu: number): Buffer[][] {
  const framer = new DatasetFramer(contextId, maxPdu);
  const out: Buffer[][] = [];
  const lengths: number[] = [];
  for (const c of chunks) framer.push(c, out, lengths);
  lengths.forEach((n, i) => assert.equal(n, Buffer.concat(out[i]).length - 12, `PDV length of PDU ${i}`));
  out.push(framer.finish());
  return out;
}

test('data set fragmentation: every P-DATA-TF ≤ peer max, last flag only on the last, bytes preserved', () => {
  const data = Buffer.alloc(100000, 0);
  for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
  for (const max of [4096, 16384, 16390, 99994, 100006, 0]) {
    for (const chunk of [1000, 16378, 65536, 100000]) {
      const src = [];
      for (let i = 0; i < data.length; i += chunk) src.push(data.subarray(i, i + chunk));
      const pdus = frame(3, src, max);
      const r = new PduReader({ maxPduLength: max || 1 << 20 });
      const got: Buffer[] = [];
      let lasts = 0;
      pdus.forEach((parts, i) => {
        const b = Buffer.concat(parts);
        if (max) assert.ok(b.readUInt32BE(2) <= max, `PDU ${i} within ${max}`);
        r.push(b);
        for (let ev = r.next(); ev; ev = r.next()) {
          if (ev.type === 'pdv') {
            assert.equal(ev.contextId, 3);
            assert.equal(ev.control & 1, 0);
            got.push(ev.data);
            if (ev.end && ev.control & 2) lasts++;
          }
        }
      });
      assert.equal(lasts, 1);
      assert.ok(Buffer.concat(got).equals(data), `max ${max} chunk ${chunk}`);
    }
  }
});

test('an exact multiple of the PDV size still ends with a non-empty last fragment', () => {
  const pdus = frame(1, [Buffer.alloc(16378 * 2)], 16384);
  assert.equal(pdus.length, 2);
  assert.equal(Buffer.concat(pdus[1]).readUInt8(11), 2);
});

test('an empty data set is one empty last fragment', () => {
  const pdus = frame(1, [], 16384);
  assert.equal(pdus.length, 1);
  assert.equal(Buffer.concat(pdus[0]).length, 12);
});

test('command fragmentation across tiny PDUs reassembles', () => {
  const cmd = encodeCommandSet(STORE);
  const pdus = commandPdus(5, cmd, 32);
  assert.ok(pdus.length > 3);
  const a = new MessageAssembler((id) => id === 5);
  let out;
  for (const p of pdus) {
    const b = Buffer.concat(p);
    out = a.push({ contextId: b[10], control: b[11], data: b.subarray(12), end: true });
  }
  assert.equal(out?.kind, 'command');
  assert.deepEqual(out.kind === 'command' && out.command, STORE);
});

test('command fragments are kept as copies: each slice is overwritten after push() (a reused read buffer)', () => {
  const pdus = commandPdus(5, encodeCommandSet(STORE), 32);
  const a = new MessageAssembler((id) => id === 5);
  const read = Buffer.alloc(64);
  let out;
  for (const p of pdus) {
    const b = Buffer.concat(p);
    b.copy(read);
    out = a.push({ contextId: read[10], control: read[11], data: read.subarray(12, b.length), end: true });
    read.fill(0xee);
  }
  assert.equal(out?.kind, 'command', JSON.stringify(out));
  assert.deepEqual(out.kind === 'command' && out.command, STORE);
});

test('assembler: command then data set slices; last flag ends the message', () => {
  const a = new MessageAssembler((id) => id === 1);
  const c = a.push({ contextId: 1, control: 3, data: encodeCommandSet(STORE), end: true });
  assert.equal(c.kind, 'command');
  assert.equal(c.kind === 'command' && c.datasetFollows, true);
  const d1 = a.push({ contextId: 1, control: 2, data: Buffer.from('ab'), end: false });
  assert.deepEqual(d1, { kind: 'data', contextId: 1, chunk: Buffer.from('ab'), last: false });
  const d2 = a.push({ contextId: 1, control: 2, data: Buffer.from('cd'), end: true });
  assert.equal(d2.kind === 'data' && d2.last, true);
  assert.equal(a.inDataset, false);
});

test('assembler errors: unaccepted context, data without command, command during data set, context switch, bad command', () => {
  const mk = () => new MessageAssembler((id) => id === 1 || id === 3);
  assert.equal(mk().push({ contextId: 5, control: 3, data: encodeCommandSet(echoRq(1)), end: true }).kind, 'error');
  assert.equal(mk().push({ contextId: 1, control: 0, data: Buffer.alloc(2), end: true }).kind, 'error');
  const a = mk();
  a.push({ contextId: 1, control: 3, data: encodeCommandSet(STORE), end: true });
  assert.equal(a.push({ contextId: 1, control: 3, data: encodeCommandSet(echoRq(2)), end: true }).kind, 'error');
  const b = mk();
  b.push({ contextId: 1, control: 3, data: encodeCommandSet(STORE), end: true });
  assert.equal(b.push({ contextId: 3, control: 2, data: Buffer.alloc(2), end: true }).kind, 'error');
  const bad = encodeCommandSet(echoRq(1));
  bad.writeUInt32LE(999, 8);
  assert.equal(mk().push({ contextId: 1, control: 3, data: bad, end: true }).kind, 'error');
});
