import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32c, crc32cImplementation } from '../../src/native/binding.js';

/** Bit-at-a-time CRC-32C straight from the definition (RFC 3720 §B.4): the reference the addon must match. */
function reference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test('crc32c: the standard check values (RFC 3720 §B.4 and the "123456789" check)', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43); // RFC 3720 B.4: 32 bytes of ones
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e); // ascending
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.match(crc32cImplementation(), /^(sse4\.2|armv8-crc32|portable)$/);
});

test('crc32c: hardware and table paths equal the bitwise reference at every alignment and tail length', () => {
  const data = randomBytes(4099);
  for (let off = 0; off < 9; off++) {
    for (const len of [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4099 - off]) {
      const view = data.subarray(off, off + len);
      const want = reference(view);
      assert.equal(crc32c(view), want, `offset ${off} length ${len}`);
      assert.equal(crc32c(view, 0, true), want, `portable, offset ${off} length ${len}`);
    }
  }
});

test('crc32c: continuing over pieces equals one pass over the whole', () => {
  const data = randomBytes(1_000_003);
  const whole = crc32c(data);
  let c = 0;
  for (let i = 0; i < data.length; i += 65_537) c = crc32c(data.subarray(i, i + 65_537), c);
  assert.equal(c, whole);
  assert.equal(crc32c(data, 0, true), whole);
  const flipped = Buffer.from(data);
  flipped[500_000] ^= 0x10;
  assert.notEqual(crc32c(flipped), whole, 'a flipped bit changes the CRC');
});

test('crc32c refuses bad arguments with GW_ERR_ARGUMENT', () => {
  assert.throws(() => crc32c('x' as unknown as Buffer), { code: 'GW_ERR_ARGUMENT' });
  assert.throws(() => crc32c(Buffer.alloc(1), -1), { code: 'GW_ERR_ARGUMENT' });
  assert.throws(() => crc32c(Buffer.alloc(1), 2 ** 32), { code: 'GW_ERR_ARGUMENT' });
  assert.throws(() => crc32c(Buffer.alloc(1), 1.5), { code: 'GW_ERR_ARGUMENT' });
});
