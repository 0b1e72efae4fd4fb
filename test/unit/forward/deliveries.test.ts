// How a lane's deliveries reach the queue (forward/destination.ts Deliveries): BOOKKEEPING_BATCH per
// transaction, fewer after BOOKKEEPING_MAX_DELAY_MS, never two transactions in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { BOOKKEEPING_BATCH, BOOKKEEPING_MAX_DELAY_MS, BOOKKEEPING_WINDOW, Deliveries } from '../../../src/forward/destination.js';
import type { Delivery } from '../../../src/spool/index.js';

const log = pino({ level: 'silent' });
const delivery = (id: number): Delivery => ({ id, status: 0, transferSyntax: '1.2.840.10008.1.2.1', startedAt: 0 });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A commit that takes `ms` and records what it got and how many were in flight at once. */
function recorder(ms: number): { commit: (b: Delivery[]) => Promise<void>; batches: number[][]; maxInFlight: () => number } {
  const batches: number[][] = [];
  let inFlight = 0;
  let max = 0;
  return {
    batches,
    maxInFlight: () => max,
    commit: async (b) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await sleep(ms);
      batches.push(b.map((d) => d.id));
      inFlight--;
    },
  };
}

test('a full batch is one transaction; the window is two batches', async () => {
  const r = recorder(5);
  const d = new Deliveries(r.commit, log);
  for (let i = 0; i < BOOKKEEPING_BATCH; i++) await d.add(delivery(i));
  await d.settle();
  assert.deepEqual(r.batches, [Array.from({ length: BOOKKEEPING_BATCH }, (_, i) => i)]);
  assert.equal(BOOKKEEPING_WINDOW, 2 * BOOKKEEPING_BATCH);
});

test('a batch that does not fill is committed after BOOKKEEPING_MAX_DELAY_MS, without settle()', async () => {
  const r = recorder(1);
  const d = new Deliveries(r.commit, log);
  await d.add(delivery(1));
  await d.add(delivery(2));
  await sleep(BOOKKEEPING_MAX_DELAY_MS / 2);
  assert.deepEqual(r.batches, [], 'not before the delay');
  await sleep(BOOKKEEPING_MAX_DELAY_MS + 50);
  assert.deepEqual(r.batches, [[1, 2]], 'after the delay');
  await d.add(delivery(3));
  await d.settle();
  assert.deepEqual(r.batches, [[1, 2], [3]]);
});

test('never two transactions in flight, whoever flushes (adds, the timer, settle); nothing lost or reordered', async () => {
  const r = recorder(BOOKKEEPING_MAX_DELAY_MS + 20); // commits outlast the timer
  const d = new Deliveries(r.commit, log);
  const adds: Promise<void>[] = [];
  let id = 0;
  for (let round = 0; round < 6; round++) {
    const n = round % 2 ? BOOKKEEPING_BATCH + 3 : 2;
    for (let i = 0; i < n; i++) adds.push(d.add(delivery(id++)));
    await sleep(BOOKKEEPING_MAX_DELAY_MS / 2);
  }
  await Promise.all(adds);
  await d.settle();
  assert.equal(r.maxInFlight(), 1);
  assert.deepEqual(r.batches.flat(), Array.from({ length: id }, (_, i) => i));
  assert.ok(r.batches.every((b) => b.length > 0));
});

test('a failed commit is logged; the next batches still go', async () => {
  const seen: number[][] = [];
  let calls = 0;
  const d = new Deliveries(async (b) => {
    if (calls++ === 0) throw new Error('disk full');
    seen.push(b.map((x) => x.id));
  }, log);
  for (let i = 0; i < BOOKKEEPING_BATCH + 1; i++) await d.add(delivery(i));
  await d.settle();
  assert.deepEqual(seen, [[BOOKKEEPING_BATCH]]);
});
