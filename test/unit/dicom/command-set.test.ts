import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_FIELD, decodeCommandSet, encodeCommandSet, hasDataset, NO_DATASET } from '../../../src/dicom/command-set.js';
import { echoRq, storeRq, storeRsp } from '../../../src/net/dimse/messages.js';

test('C-ECHO-RQ encodes as PS3.7 Annex E (implicit VR LE, group length first)', () => {
  const b = encodeCommandSet(echoRq(7));
  // (0000,0000) UL 4 = length of the rest
  assert.equal(b.readUInt32LE(0), 0);
  assert.equal(b.readUInt32LE(4), 4);
  assert.equal(b.readUInt32LE(8), b.length - 12);
  // (0000,0002) UI "1.2.840.10008.1.1" padded with NUL to 18
  assert.equal(b.readUInt16LE(14), 0x0002);
  assert.equal(b.readUInt32LE(16), 18);
  assert.equal(b.toString('latin1', 20, 38), '1.2.840.10008.1.1\0');
  assert.deepEqual(decodeCommandSet(b), { commandField: 0x30, affectedSopClassUid: '1.2.840.10008.1.1', messageId: 7, commandDataSetType: NO_DATASET });
});

test('C-STORE-RQ/RSP round trip with move originator, error comment, offending elements', () => {
  const rq = storeRq({ messageId: 3, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3.4', priority: 2, moveOriginatorAe: 'MOVER', moveOriginatorMessageId: 9 });
  const d = decodeCommandSet(encodeCommandSet(rq));
  assert.deepEqual(d, rq);
  assert.equal(hasDataset(d), true);
  const rsp = storeRsp(d, 0xa700, 'out of space', [0x00100010]);
  assert.deepEqual(decodeCommandSet(encodeCommandSet(rsp)), { ...rsp, errorComment: 'out of space' });
  assert.equal(rsp.commandField, COMMAND_FIELD.C_STORE_RSP);
});

test('a bad group length is refused', () => {
  const b = encodeCommandSet(echoRq(1));
  b.writeUInt32LE(b.length, 8);
  assert.throws(() => decodeCommandSet(b), { code: 'GW_ERR_DIMSE_COMMAND' });
});

test('missing group length, element outside group 0000, overrun, no command field: refused', () => {
  const good = encodeCommandSet(echoRq(1));
  assert.throws(() => decodeCommandSet(good.subarray(12)), { code: 'GW_ERR_DIMSE_COMMAND' });
  const other = Buffer.from(good);
  other.writeUInt16LE(0x0008, 12);
  assert.throws(() => decodeCommandSet(other), { code: 'GW_ERR_DIMSE_COMMAND' });
  const over = Buffer.from(good);
  over.writeUInt32LE(1000, 16);
  assert.throws(() => decodeCommandSet(over), { code: 'GW_ERR_DIMSE_COMMAND' });
  const noField = encodeCommandSet({ commandField: 1 }).subarray(0, 12);
  noField.writeUInt32LE(0, 8);
  assert.throws(() => decodeCommandSet(noField), { code: 'GW_ERR_DIMSE_COMMAND' });
  assert.throws(() => decodeCommandSet(Buffer.alloc(70000)), { code: 'GW_ERR_DIMSE_COMMAND' });
});

test('US with a wrong length is refused', () => {
  const b = encodeCommandSet({ commandField: 0x30 });
  // commandField element: tag(4) len(4)=2 value(2) at offset 12
  const bad = Buffer.concat([b.subarray(0, 16), Buffer.from([4, 0, 0, 0]), Buffer.from([0x30, 0, 0, 0])]);
  bad.writeUInt32LE(bad.length - 12, 8);
  assert.throws(() => decodeCommandSet(bad), { code: 'GW_ERR_DIMSE_COMMAND' });
});
