// Deletion of delivered instances (docs/spool.md "Deletion"): not in the delivering transaction, but
// by Spool.sweep(), which runs by itself once deliveries pause, at the latest SWEEP_MAX_DELAY_MS after
// the first delivery it is to delete, at once when the instances it would delete hold the spool at its
// limit, and after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Spool, SWEEP_BATCH, SWEEP_BATCH_CHUNKS, SWEEP_LULL_MS, SWEEP_MAX_DELAY_MS } from '../../../src/spool/spool.js';
import { PURGE_BATCH_CHUNKS } from '../../../src/spool/records.js';
import { bytesFor, captureLogger, store, tempDir, withSpool } from './helpers.js';

const TS = '1.2.840.10008.1.2.1';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, ms: number, cond: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('a delivered instance stays (retained, ledger kept) until the sweep that follows a pause in deliveries', async () => {
  await withSpool(async (spool) => {
    const a = await store(spool, '9.1', bytesFor(1, 300_000), ['A']);
    const b = await store(spool, '9.2', bytesFor(2, 1000), ['A', 'B']);
    const t0 = Date.now();
    await spool.markForwarded('A', [{ id: a.id, status: 0, transferSyntax: TS }, { id: b.id, status: 0, transferSyntax: TS }]);
    assert.ok(spool.get(a.id), 'not deleted by the delivering transaction');
    assert.equal(spool.entry('A', a.id)?.state, 'forwarded');
    assert.ok(spool.dbs.retained.get(a.id)! >= t0);
    assert.equal(spool.dbs.retained.get(b.id), undefined, 'B still pending: not marked');
    await until('the sweep', 10 * SWEEP_LULL_MS + 2000, () => spool.get(a.id) === undefined);
    assert.ok(Date.now() - t0 >= SWEEP_LULL_MS - 20, 'not before the lull');
    assert.ok(spool.get(b.id), 'an instance another destination still waits for is kept');
    assert.deepEqual(spool.stats(), { bytesUsed: 1000, bytesMax: spool.stats().bytesMax, instances: 1, queued: { B: 1 } });
    assert.equal(spool.dbs.retained.getCount({}), 0);
    assert.deepEqual(spool.verify().problems, []);
  });
});

test('deliveries that never pause are swept within SWEEP_MAX_DELAY_MS (more than one SWEEP_BATCH of them)', async () => {
  await withSpool(async (spool) => {
    const n = SWEEP_BATCH + 10;
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await store(spool, `9.3.${i}`, bytesFor(i, 200), ['A'])).id);
    const first = Date.now();
    await spool.markForwarded('A', ids.slice(0, n - 1).map((id) => ({ id, status: 0, transferSyntax: TS })));
    // One more delivery every SWEEP_LULL_MS / 2: the lull never comes, the deadline does.
    let sweptAt: number | undefined;
    while (Date.now() - first < SWEEP_MAX_DELAY_MS + 1500) {
      await sleep(SWEEP_LULL_MS / 2);
      await spool.markForwarded('A', [{ id: ids[n - 1], status: 0, transferSyntax: TS }]); // gone after the first: a no-op
      if (spool.get(ids[0]) === undefined) {
        sweptAt = Date.now();
        break;
      }
    }
    assert.ok(sweptAt !== undefined, 'swept while deliveries went on');
    assert.ok(sweptAt - first >= SWEEP_MAX_DELAY_MS - 50 && sweptAt - first < SWEEP_MAX_DELAY_MS + 1500, `${sweptAt - first} ms`);
    await until('all swept', 5000, () => spool.stats().instances === 0);
  });
});

test('a sweep bounds each transaction by SWEEP_BATCH_CHUNKS chunks, not only by instances', async () => {
  await withSpool(async (spool) => {
    const perInstance = PURGE_BATCH_CHUNKS; // the most chunks one deleting transaction removes itself
    const count = Math.ceil((2.5 * SWEEP_BATCH_CHUNKS) / perInstance);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push((await store(spool, `9.10.${i}`, bytesFor(i, perInstance * 1024), ['A'])).id);
    await spool.markForwarded('A', ids.map((id) => ({ id, status: 0, transferSyntax: TS })));
    const root = spool.dbs.root;
    const original = root.transaction.bind(root);
    let transactions = 0;
    root.transaction = ((fn: () => unknown) => {
      transactions++;
      return original(fn);
    }) as typeof root.transaction;
    assert.equal(await spool.sweep(), count);
    root.transaction = original;
    assert.equal(transactions, Math.ceil(count / Math.floor(SWEEP_BATCH_CHUNKS / perInstance)), `${count} instances of ${perInstance} chunks`);
    assert.equal(spool.dbs.chunks.getCount({}), 0);
    assert.deepEqual(spool.verify().problems, []);
  }, { chunkSize: 1024 });
});

test('delivered instances holding the spool at its limit are deleted at once to make room', async () => {
  await withSpool(async (spool) => {
    const a = await store(spool, '9.4', bytesFor(4, 60_000), ['A']);
    await assert.rejects(store(spool, '9.5', bytesFor(5, 60_000), ['A']), { code: 'GW_ERR_SPOOL_FULL' });
    await spool.markForwarded('A', [{ id: a.id, status: 0, transferSyntax: TS }]);
    assert.ok(spool.get(a.id), 'not swept yet');
    const b = await store(spool, '9.6', bytesFor(6, 60_000), ['A']); // sweeps A first (synchronously)
    assert.equal(spool.get(a.id), undefined);
    assert.equal(spool.stats().bytesUsed, 60_000);
    assert.ok(spool.get(b.id));
    await spool.markForwarded('A', [{ id: b.id, status: 0, transferSyntax: TS }]);
    await store(spool, '9.7', bytesFor(7, 60_000), ['A']);
    assert.equal(spool.get(b.id), undefined);
    await assert.rejects(store(spool, '9.8', bytesFor(8, 60_000), ['A']), { code: 'GW_ERR_SPOOL_FULL' }, 'nothing delivered left to sweep');
    assert.equal(spool.health().full, true);
    assert.deepEqual(spool.verify().problems, []);
  }, { maxBytes: 100_000 });
});

test('with a retention, the limit still holds: the oldest retained instances make room, the others stay', async () => {
  await withSpool(async (spool) => {
    const [a, b, c] = [await store(spool, '9.20', bytesFor(20, 30_000), ['A']), await store(spool, '9.21', bytesFor(21, 30_000), ['A']), await store(spool, '9.22', bytesFor(22, 30_000), ['A'])];
    await spool.markForwarded('A', [a, b, c].map((r) => ({ id: r.id, status: 0, transferSyntax: TS })));
    assert.equal(await spool.sweep(), 0, 'within the retention: kept');
    // 90 000 of 100 000 bytes used, all of them retained: room for 30 000 more means deleting one.
    const d = await store(spool, '9.23', bytesFor(23, 30_000), ['A']);
    assert.equal(spool.get(a.id), undefined, 'the oldest retained instance made room');
    assert.ok(spool.get(b.id) && spool.get(c.id), 'the others are kept for their retention');
    assert.ok(spool.get(d.id));
    // Only what is not delivered left beyond the limit: refused, nothing retained deleted for it.
    await assert.rejects(store(spool, '9.24', bytesFor(24, 80_000), ['A']), { code: 'GW_ERR_SPOOL_FULL' });
    assert.deepEqual(spool.verify().problems, []);
  }, { maxBytes: 100_000, retentionMs: 3_600_000 });
});

test('instances delivered but not yet swept when the spool closed are swept after it reopens', async () => {
  const t = tempDir();
  const opts = { dir: t.dir, maxBytes: null, log: captureLogger().log };
  let spool = await Spool.open(opts);
  try {
    const a = await store(spool, '9.9', bytesFor(9, 5000), ['A']);
    await spool.markForwarded('A', [{ id: a.id, status: 0, transferSyntax: TS }]);
    await spool.close(); // before SWEEP_LULL_MS: nothing swept
    spool = await Spool.open(opts);
    assert.ok(spool.get(a.id));
    await until('the sweep after reopening', 10 * SWEEP_LULL_MS + 2000, () => spool.get(a.id) === undefined);
    assert.equal(spool.stats().instances, 0);
  } finally {
    await spool.close();
    t.cleanup();
  }
});

test('an instance queued again (a re-send) while a sweep had already listed it is not deleted', async () => {
  await withSpool(async (spool) => {
    const a = await store(spool, '9.30', bytesFor(30, 5000), ['A']);
    await spool.markForwarded('A', [{ id: a.id, status: 0, transferSyntax: TS }]);
    // enqueue's transaction is queued first; the sweep lists `a` (still marked) before it runs.
    const [queued, swept] = await Promise.all([spool.enqueue('A', a.id), spool.sweep()]);
    assert.equal(queued?.state, 'queued');
    assert.equal(swept, 0);
    assert.ok(spool.get(a.id), 'still in the spool, queued for A again');
    assert.equal(spool.entry('A', a.id)?.state, 'queued');
    assert.deepEqual(spool.verify().problems, []);
  });
});
