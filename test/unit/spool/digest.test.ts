import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDigest, digestAlgorithm, recordDigest } from '../../../src/spool/digest.js';
import { Spool } from '../../../src/spool/index.js';
import type { InstanceRecord } from '../../../src/spool/types.js';
import { bytesFor, captureLogger, sha256, store, tempDir } from './helpers.js';

test('digest strings name their algorithm; records from before `digest` map to sha256', () => {
  const d = createDigest();
  d.update(Buffer.from('12345'));
  d.update(Buffer.from('6789'));
  assert.equal(d.digest(), 'crc32c:e3069283');
  const s = createDigest('sha256');
  s.update(Buffer.from('abc'));
  assert.equal(s.digest(), `sha256:${sha256(Buffer.from('abc'))}`);
  assert.equal(recordDigest({ digest: 'crc32c:00000001' }), 'crc32c:00000001');
  assert.equal(recordDigest({ sha256: 'ab' }), 'sha256:ab');
  assert.equal(recordDigest({}), undefined);
  assert.equal(digestAlgorithm('crc32c:0'), 'crc32c');
  assert.equal(digestAlgorithm('md5:0'), undefined);
});

test('verify() checks CRC-32C records, legacy SHA-256 records, and reports a changed byte in either', async () => {
  const t = tempDir();
  const spool = await Spool.open({ dir: t.dir, maxBytes: null, log: captureLogger().log });
  try {
    const data = bytesFor(7, 700_000);
    const fresh = await store(spool, '1.1', data, ['A']);
    assert.match(fresh.digest ?? '', /^crc32c:[0-9a-f]{8}$/);
    const legacyData = bytesFor(8, 300_000);
    const old = await store(spool, '1.2', legacyData, ['A']);
    // A record as pacsgate wrote it before the CRC-32C digest: hex SHA-256 in `sha256`, no `digest`.
    const { digest: _drop, ...legacy } = old;
    await spool.dbs.instances.put(old.id, { ...legacy, sha256: sha256(legacyData) } as InstanceRecord);
    assert.deepEqual(spool.verify().problems, []);

    await spool.dbs.instances.put(old.id, { ...legacy, sha256: sha256(data) } as InstanceRecord);
    const [firstChunk] = [...spool.dbs.chunks.getRange({ start: [fresh.id, 0], end: [fresh.id, 1] })];
    const tampered = Buffer.from(firstChunk.value);
    tampered[1000] ^= 1;
    await spool.dbs.chunks.put(firstChunk.key, tampered);
    assert.deepEqual(spool.verify().problems.map((p) => [p.id, p.problem]), [
      [fresh.id, 'crc32c mismatch'],
      [old.id, 'sha256 mismatch'],
    ]);
  } finally {
    await spool.close();
    t.cleanup();
  }
});
