import { test } from 'node:test';
import assert from 'node:assert/strict';
import { swapBytes } from '../../src/native/binding.js';

test('swapBytes reverses 2, 4 and 8-byte words in place', () => {
  const b = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
  swapBytes(b, 2);
  assert.deepEqual([...b], [2, 1, 4, 3, 6, 5, 8, 7]);
  swapBytes(b, 2);
  swapBytes(b, 4);
  assert.deepEqual([...b], [4, 3, 2, 1, 8, 7, 6, 5]);
  swapBytes(b, 4);
  swapBytes(b, 8);
  assert.deepEqual([...b], [8, 7, 6, 5, 4, 3, 2, 1]);
});

test('swapBytes works on unaligned views and large buffers', () => {
  const big = Buffer.alloc(1_000_003);
  for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
  const view = big.subarray(1, 1 + 1_000_000);
  const expected = Buffer.from(view);
  for (let i = 0; i < expected.length; i += 2) [expected[i], expected[i + 1]] = [expected[i + 1], expected[i]];
  swapBytes(view, 2);
  assert.ok(view.equals(expected));
});

test('swapBytes refuses bad arguments with GW_ERR_ARGUMENT', () => {
  assert.throws(() => swapBytes(Buffer.alloc(3), 2), { code: 'GW_ERR_ARGUMENT' });
  assert.throws(() => swapBytes(Buffer.alloc(4), 3 as 2), { code: 'GW_ERR_ARGUMENT' });
  assert.throws(() => swapBytes('x' as unknown as Buffer, 2), { code: 'GW_ERR_ARGUMENT' });
});
