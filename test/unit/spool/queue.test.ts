import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs } from '../../../src/spool/index.js';
import { bytesFor, store, withSpool } from './helpers.js';

test('nextQueued: due entries of one destination, in id order, limited', async () => {
  await withSpool(async (spool) => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push((await store(spool, `2.${i}`, bytesFor(i, 100 + i), ['A', 'AB'])).id);
    await store(spool, '2.x', bytesFor(9, 10), ['B']);
    const now = Date.now();
    assert.deepEqual(spool.nextQueued('A', now, 4).map((x) => x.entry.id), ids.slice(0, 4));
    assert.deepEqual(spool.nextQueued('AB', now, 100).map((x) => x.record.id), ids);
    assert.equal(spool.nextQueued('A', now, 1)[0].record.sopInstanceUid, '2.0');
    assert.deepEqual(spool.nextQueued('nowhere', now, 10), []);
    assert.deepEqual(spool.stats().queued, { A: 6, AB: 6, B: 1 });
    const oldest = spool.oldestQueuedAt('A');
    assert.ok(oldest !== undefined && oldest <= now);
    assert.equal(spool.oldestQueuedAt('nowhere'), undefined);
  });
});

test('failed (retry later) → failed → forwarded, each attempt counted; instance deleted when all destinations are done', async () => {
  await withSpool(async (spool) => {
    const rec = await store(spool, '3.1', bytesFor(1, 5000), ['A', 'B']);
    const t = Date.now();
    const f = await spool.markFailed('A', rec.id, { status: 0xa700, error: 'out of resources', permanent: false }, t);
    assert.equal(f?.state, 'queued');
    assert.equal(f?.attempts, 1);
    assert.equal(f?.firstAttemptAt, t);
    assert.equal(f?.nextAttemptAt, t + backoffMs(1));
    assert.equal(f?.lastStatus, 0xa700);
    assert.deepEqual(spool.nextQueued('A', t + backoffMs(1) - 1, 10), []);
    assert.equal(spool.nextQueued('A', t + backoffMs(1), 10).length, 1);
    const f2 = await spool.markFailed('A', rec.id, { error: 'refused', permanent: false, retryAt: t + 5 }, t + 1);
    assert.equal(f2?.nextAttemptAt, t + 5);
    assert.equal(f2?.attempts, 2);
    assert.equal(f2?.firstAttemptAt, t);
    assert.equal(f2?.lastAttemptAt, t + 1);
    const [done] = await spool.markForwarded('A', [{ id: rec.id, status: 0, transferSyntax: '1.2.840.10008.1.2', startedAt: t + 10 }], t + 20);
    assert.equal(done?.state, 'forwarded');
    assert.equal(done?.attempts, 3, 'the delivering attempt counts too');
    assert.equal(done?.firstAttemptAt, t);
    assert.equal(done?.lastAttemptAt, t + 10);
    assert.equal(done?.forwardedAt, t + 20);
    assert.equal(done?.lastError, undefined);
    assert.deepEqual(spool.entry('A', rec.id), done, 'the ledger keeps it while B is pending');
    assert.equal(spool.entry('A', rec.id)?.negotiatedTransferSyntax, '1.2.840.10008.1.2');
    assert.ok(spool.get(rec.id), 'B still pending: instance kept');
    assert.deepEqual(spool.stats().queued, { B: 1 });
    await spool.markForwarded('B', [{ id: rec.id, status: 0, transferSyntax: '1.2.840.10008.1.2.1' }]);
    assert.ok(spool.get(rec.id), 'every destination done: kept until the next sweep');
    assert.equal(spool.entry('B', rec.id)?.state, 'forwarded');
    assert.equal(await spool.sweep(), 1);
    assert.equal(spool.get(rec.id), undefined);
    assert.equal(spool.findBySopInstanceUid('3.1'), undefined);
    assert.equal(spool.entry('A', rec.id), undefined, 'ledger goes with the instance');
    assert.equal(spool.dbs.ledger.getCount({}), 0);
    assert.equal(spool.dbs.retained.getCount({}), 0);
    assert.equal(spool.dbs.chunks.getCount({}), 0);
    assert.deepEqual(spool.stats(), { bytesUsed: 0, bytesMax: spool.stats().bytesMax, instances: 0, queued: {} });
    assert.deepEqual(await spool.markForwarded('B', [{ id: rec.id, status: 0, transferSyntax: 'x' }]), [undefined]);
  });
});

test('markForwarded: several deliveries in one transaction; an entry that is gone gives undefined, the others are recorded', async () => {
  await withSpool(async (spool) => {
    const recs = [];
    for (let i = 0; i < 4; i++) recs.push(await store(spool, `3.${i + 10}`, bytesFor(i, 300_000 + i), ['A']));
    const ts = '1.2.840.10008.1.2.1';
    const out = await spool.markForwarded('A', [
      { id: recs[0].id, status: 0, transferSyntax: ts },
      { id: 999_999, status: 0, transferSyntax: ts },
      { id: recs[1].id, status: 0xb000, transferSyntax: ts },
      { id: recs[2].id, status: 0, transferSyntax: ts },
    ], 5000);
    assert.deepEqual(out.map((e) => e?.id), [recs[0].id, undefined, recs[1].id, recs[2].id]);
    assert.equal(out[2]?.lastStatus, 0xb000, 'a warning is recorded with the delivery');
    assert.equal(await spool.sweep(), 3);
    assert.deepEqual(recs.map((r) => spool.get(r.id) !== undefined), [false, false, false, true]);
    assert.deepEqual(spool.stats().queued, { A: 1 });
    assert.equal(spool.stats().instances, 1);
    assert.equal(spool.stats().bytesUsed, 300_003);
    assert.deepEqual(spool.verify().problems, []);
  });
});

test('dead letters: permanent failure, listDead, retryDead, discardDead', async () => {
  await withSpool(async (spool) => {
    const a = await store(spool, '4.1', bytesFor(1, 10), ['A']);
    const b = await store(spool, '4.2', bytesFor(2, 10), ['A', 'B']);
    const dead = await spool.markFailed('A', a.id, { status: 0xa900, error: 'SOP class not supported', permanent: true });
    assert.equal(dead?.state, 'dead');
    assert.equal(dead?.attempts, 1);
    // Failed before any C-STORE (e.g. no context accepted): still one attempt, at that time.
    const early = await spool.markFailed('A', b.id, { error: 'x', permanent: true }, 4242);
    assert.equal(early?.attempts, 1);
    assert.equal(early?.lastAttemptAt, 4242);
    await spool.markFailed('B', b.id, { error: 'y', permanent: true });
    assert.deepEqual(spool.listDead('A').map((e) => e.id), [a.id, b.id]);
    assert.equal(spool.listDead().length, 3);
    assert.deepEqual(spool.stats().queued, {});
    assert.ok(spool.get(a.id), 'dead entries keep their instance');
    const again = await spool.retryDead('A', a.id, 123);
    assert.equal(again?.state, 'queued');
    assert.equal(again?.attempts, 0);
    assert.deepEqual(spool.nextQueued('A', 123, 10).map((x) => x.record.id), [a.id]);
    assert.equal(await spool.retryDead('A', a.id), undefined, 'no longer dead');
    const gone = await spool.discardDead('A', b.id);
    assert.ok(gone?.discardedAt);
    assert.ok(spool.get(b.id), 'B is still dead for this instance');
    await spool.discardDead('B', b.id);
    assert.equal(await spool.sweep(), 1);
    assert.equal(spool.get(b.id), undefined, 'every destination done: deleted at the sweep');
    assert.deepEqual(spool.listDead(), []);
  });
});

test('retention: delivered instances are kept until sweep() passes the retention', async () => {
  await withSpool(async (spool) => {
    const rec = await store(spool, '6.1', bytesFor(1, 1000), ['A']);
    await spool.markForwarded('A', [{ id: rec.id, status: 0, transferSyntax: '1.2.840.10008.1.2.1' }], 1000);
    assert.ok(spool.get(rec.id));
    assert.equal(spool.dbs.retained.get(rec.id), 1000);
    assert.equal(spool.entry('A', rec.id)?.state, 'forwarded');
    assert.equal(await spool.sweep(1000 + 59_999), 0);
    assert.equal(await spool.sweep(1000 + 60_000), 1);
    assert.equal(spool.get(rec.id), undefined);
    assert.equal(spool.stats().instances, 0);
  }, { retentionMs: 60_000 });
});

test('instances routed nowhere stay; enqueue() routes them later', async () => {
  await withSpool(async (spool) => {
    const rec = await store(spool, '8.1', bytesFor(1, 1000), []);
    assert.deepEqual(spool.stats().queued, {});
    const e = await spool.enqueue('LATE', rec.id);
    assert.equal(e?.state, 'queued');
    assert.deepEqual(spool.get(rec.id)?.destinations, ['LATE']);
    assert.equal(await spool.enqueue('LATE', 999_999), undefined);
    await spool.markForwarded('LATE', [{ id: rec.id, status: 0, transferSyntax: '1.2.840.10008.1.2.1' }]);
    assert.equal(await spool.sweep(), 1);
    assert.equal(spool.get(rec.id), undefined);
  });
});
