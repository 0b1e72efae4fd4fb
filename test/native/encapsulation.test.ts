// Encapsulated Pixel Data items (PS3.5 §A.4): building them, and splitting fragments into frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encapsulate, framesFromFragments, offsetTables } from '../../src/codecs/index.js';

function parseItems(items: Buffer[]): Buffer[] {
  return items.map((it) => {
    assert.deepEqual([...it.subarray(0, 4)], [0xfe, 0xff, 0x00, 0xe0]);
    assert.equal(it.readUInt32LE(4), it.length - 8);
    assert.equal(it.length % 2, 0);
    return it.subarray(8);
  });
}

test('encapsulate writes a Basic Offset Table and one even-length item per frame', () => {
  const frames = [Buffer.from([1, 2, 3]), Buffer.from([4, 5]), Buffer.from([6])];
  const { items, extendedOffsetTable } = encapsulate(frames);
  assert.equal(extendedOffsetTable, undefined);
  const values = parseItems(items);
  assert.deepEqual([...values[0]], [0, 0, 0, 0, 12, 0, 0, 0, 22, 0, 0, 0]); // offsets 0, 8+4, 12+8+2
  assert.deepEqual([...values[1]], [1, 2, 3, 0]);
  assert.deepEqual([...values[3]], [6, 0]);
  // Reading back with the BOT gives the frames (padded).
  const back = framesFromFragments(values.slice(1), 3, values[0]);
  assert.deepEqual(back.map((f) => f.length), [1, 1, 1]);
});

test('framesFromFragments: several fragments per frame via BOT, EOT, or JPEG SOI', () => {
  const soi = (n: number) => Buffer.from([0xff, 0xd8, 0xff, n, 0]);
  const frags = [soi(1), Buffer.from([9, 9]), soi(2), Buffer.from([8, 8]), Buffer.from([7, 7])];
  const bot = Buffer.alloc(8);
  bot.writeUInt32LE(0, 0);
  bot.writeUInt32LE(8 + 5 + 8 + 2, 4);
  const byBot = framesFromFragments(frags, 2, bot);
  assert.deepEqual(byBot.map((f) => f.length), [2, 3]);
  const eot = Buffer.alloc(16);
  eot.writeBigUInt64LE(0n, 0);
  eot.writeBigUInt64LE(23n, 8);
  assert.deepEqual(framesFromFragments(frags, 2, undefined, { extendedOffsetTable: eot }).map((f) => f.length), [2, 3]);
  assert.deepEqual(framesFromFragments(frags, 2).map((f) => f.length), [2, 3]);
  assert.deepEqual(framesFromFragments(frags, 1).map((f) => f.length), [5]);
  assert.deepEqual(framesFromFragments(frags, 5).map((f) => f.length), [1, 1, 1, 1, 1]);
});

test('framesFromFragments rejects tables and counts that do not fit', () => {
  const frags = [Buffer.from([1, 2]), Buffer.from([3, 4]), Buffer.from([5, 6])];
  assert.throws(() => framesFromFragments(frags, 2), { code: 'GW_ERR_CODEC_FRAGMENTS' });
  assert.throws(() => framesFromFragments(frags, 4), { code: 'GW_ERR_CODEC_FRAGMENTS' });
  const bad = Buffer.alloc(8);
  bad.writeUInt32LE(0, 0);
  bad.writeUInt32LE(7, 4);
  assert.throws(() => framesFromFragments(frags, 2, bad), { code: 'GW_ERR_CODEC_FRAGMENTS' });
  assert.throws(() => framesFromFragments(frags, 0), { code: 'GW_ERR_ARGUMENT' });
});

test('past 4 GiB the Basic Offset Table is empty and an Extended Offset Table is built', () => {
  const lengths = [2 ** 31, 2 ** 31, 2 ** 31, 10]; // the last item starts after 6 GiB + 24 bytes
  const t = offsetTables(lengths);
  assert.equal(t.basicOffsetTable.length, 0);
  assert.ok(t.extended);
  const eot = t.extended.extendedOffsetTable;
  const offsets = [0, 1, 2, 3].map((i) => eot.readBigUInt64LE(i * 8));
  assert.deepEqual(offsets, [0n, 2n ** 31n + 8n, 2n ** 32n + 16n, 3n * 2n ** 31n + 24n]);
  const lens = [0, 1, 2, 3].map((i) => t.extended!.extendedOffsetTableLengths.readBigUInt64LE(i * 8));
  assert.deepEqual(lens, lengths.map(BigInt));
  // Below 4 GiB: a Basic Offset Table and no Extended Offset Table.
  assert.deepEqual(offsetTables([4, 2]).basicOffsetTable, Buffer.from([0, 0, 0, 0, 12, 0, 0, 0]));
});
