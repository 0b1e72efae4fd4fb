import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHeartbeat } from '../../../src/web/heartbeat.js';
import { FakeBackend } from './fake-backend.js';
import { captureLogger } from './harness.js';

test('heartbeat POSTs the status JSON; failures log once, without the URL path', async (t) => {
  const bodies: unknown[] = [];
  let answer = 200;
  const sink = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d));
    req.on('end', () => {
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/beat/secret-token');
      assert.equal(req.headers['content-type'], 'application/json');
      bodies.push(JSON.parse(text));
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => sink.close(() => r())));
  const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/beat/secret-token`;
  const backend = new FakeBackend();
  const { log, lines } = captureLogger();
  const hb = startHeartbeat({ url, intervalSeconds: 0.05 }, backend, log);
  t.after(() => hb.stop());
  // Real timers at a 50 ms interval (the config allows 5 s and up; the module takes any interval).
  const waitFor = async (n: number): Promise<void> => {
    while (bodies.length < n) await new Promise((r) => setTimeout(r, 5));
  };
  await waitFor(1);
  assert.deepEqual(bodies[0], backend.statusValue);
  answer = 500;
  const failingFrom = bodies.length;
  await waitFor(failingFrom + 3);
  const failed = lines.filter((l) => l.msg === 'heartbeat failed');
  assert.equal(failed.length, 1, 'logged once while failing');
  assert.equal(failed[0].url, new URL(url).origin);
  assert.equal(JSON.stringify(lines).includes('secret-token'), false);
  answer = 200;
  const okFrom = bodies.length;
  await waitFor(okFrom + 3);
  assert.equal(lines.filter((l) => l.msg === 'heartbeat recovered').length, 1);
});
