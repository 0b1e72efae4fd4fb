import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, Client } from './harness.js';
import { parsePrometheus, valueOf } from './prom-text.js';
import { DESTINATION_STATES } from '../../../src/web/types.js';

const h = await startHarness();
after(() => h.handle.close());
const c = new Client(h.base);

test('logs http listening with host and port', () => {
  const l = h.lines.find((x) => x.msg === 'http listening');
  assert.ok(l);
  assert.equal(l.host, '127.0.0.1');
  assert.equal(l.port, h.handle.port);
  assert.equal(l.loginRequired, false);
});

test('GET /healthz answers 200 {"status":"ok"}', async () => {
  const r = await c.req('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(r.body, { status: 'ok' });
});

test('GET /readyz: 200 when ready, 503 with reasons otherwise', async () => {
  let r = await c.req('GET', '/readyz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ready', reasons: [] });
  h.backend.readyValue = { ready: false, reasons: ['spool full'] };
  try {
    r = await c.req('GET', '/readyz');
    assert.equal(r.status, 503);
    assert.deepEqual(r.body, { status: 'not ready', reasons: ['spool full'] });
  } finally {
    h.backend.readyValue = { ready: true, reasons: [] };
  }
});

test('GET /api/status carries every field CONTRACT.md requires', async () => {
  const r = await c.req('GET', '/api/status');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, h.backend.statusValue);
  for (const k of ['version', 'uptimeSeconds', 'aeTitle', 'dicomPort']) assert.ok(k in r.body, k);
  for (const k of ['bytesUsed', 'bytesMax', 'instances'] as const) assert.equal(typeof r.body.spool[k], 'number', k);
  for (const k of ['instances', 'bytes'] as const) assert.equal(typeof r.body.received[k], 'number', k);
  for (const d of r.body.destinations) {
    for (const k of ['name', 'aeTitle', 'host', 'port', 'queued', 'forwarded', 'failed', 'state', 'lastError']) assert.ok(k in d, k);
  }
});

test('GET /metrics parses strictly and its numbers match /api/status', async () => {
  const [m, s] = await Promise.all([c.req('GET', '/metrics'), c.req('GET', '/api/status')]);
  assert.equal(m.status, 200);
  assert.equal(m.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const f = parsePrometheus(m.body as string);
  const st = s.body;
  assert.equal(valueOf(f, 'pacsgate_uptime_seconds'), st.uptimeSeconds);
  assert.equal(valueOf(f, 'pacsgate_spool_used_bytes'), st.spool.bytesUsed);
  assert.equal(valueOf(f, 'pacsgate_spool_max_bytes'), st.spool.bytesMax);
  assert.equal(valueOf(f, 'pacsgate_spool_instances'), st.spool.instances);
  assert.equal(valueOf(f, 'pacsgate_received_instances_total'), st.received.instances);
  assert.equal(valueOf(f, 'pacsgate_received_bytes_total'), st.received.bytes);
  assert.equal(valueOf(f, 'pacsgate_received_failed_total'), st.received.failed);
  assert.equal(valueOf(f, 'pacsgate_associations_active'), st.associations.active);
  assert.equal(valueOf(f, 'pacsgate_associations_total'), st.associations.total);
  assert.equal(valueOf(f, 'pacsgate_associations_rejected_total'), st.associations.rejected);
  assert.equal(valueOf(f, 'pacsgate_ready'), 1);
  assert.equal(valueOf(f, 'pacsgate_info', { version: st.version, ae_title: st.aeTitle }), 1);
  assert.equal(f.get('pacsgate_received_instances_total')?.type, 'counter');
  assert.equal(f.get('pacsgate_destination_queued')?.type, 'gauge');
  let oldest = 0;
  for (const d of st.destinations) {
    const l = { destination: d.name };
    assert.equal(valueOf(f, 'pacsgate_destination_queued', l), d.queued);
    assert.equal(valueOf(f, 'pacsgate_destination_forwarded_total', l), d.forwarded);
    assert.equal(valueOf(f, 'pacsgate_destination_failed_total', l), d.failed);
    assert.equal(valueOf(f, 'pacsgate_destination_connect_attempts_total', l), d.connectAttempts);
    assert.equal(valueOf(f, 'pacsgate_destination_dead_letter', l), d.deadLetter);
    assert.equal(valueOf(f, 'pacsgate_destination_oldest_queued_age_seconds', l), d.oldestQueuedAgeSeconds ?? 0);
    for (const state of DESTINATION_STATES) {
      assert.equal(valueOf(f, 'pacsgate_destination_state', { ...l, state }), state === d.state ? 1 : 0);
    }
    if (d.lastSuccessAt) assert.equal(valueOf(f, 'pacsgate_destination_last_success_timestamp_seconds', l), Date.parse(d.lastSuccessAt) / 1000);
    oldest = Math.max(oldest, d.oldestQueuedAgeSeconds ?? 0);
  }
  assert.equal(valueOf(f, 'pacsgate_oldest_queued_age_seconds'), oldest);
  assert.equal(f.get('pacsgate_destination_queued')?.samples.length, st.destinations.length);
});

test('label values with quotes, backslashes and newlines survive the round trip', async () => {
  const saved = h.backend.statusValue;
  h.backend.statusValue = structuredClone(saved);
  h.backend.statusValue.destinations[0].name = 'we"ird\\na\nme';
  h.backend.statusValue.version = '1.0.0-"x"';
  try {
    const f = parsePrometheus((await c.req('GET', '/metrics')).body as string);
    assert.equal(valueOf(f, 'pacsgate_destination_queued', { destination: 'we"ird\\na\nme' }), saved.destinations[0].queued);
    assert.equal(valueOf(f, 'pacsgate_info', { version: '1.0.0-"x"' }), 1);
  } finally {
    h.backend.statusValue = saved;
  }
});

test('the strict parser itself rejects malformed exposition', () => {
  const bad = [
    'x 1',                                  // no final newline
    'pacsgate_x 1\n',                       // sample before TYPE
    '# TYPE a gauge\na{l="x} 1\n',          // unterminated label
    '# TYPE a gauge\na{l="\\q"} 1\n',       // bad escape
    '# TYPE a gauge\na 1\na 2\n',           // duplicate series
    '# TYPE a gauge\na one\n',              // bad value
    '# TYPE a counter\na -1\n',             // negative counter
    '# TYPE a gauge\n# TYPE b gauge\nb 1\na 1\n', // interleaved families
  ];
  for (const text of bad) assert.throws(() => parsePrometheus(text), Error, JSON.stringify(text));
});

test('unknown path 404, wrong method 405 with Allow, both as JSON errors', async () => {
  const a = await c.req('GET', '/nope');
  assert.equal(a.status, 404);
  assert.equal(a.body.error.code, 'GW_HTTP_NOT_FOUND');
  const b = await c.req('DELETE', '/healthz');
  assert.equal(b.status, 405);
  assert.equal(b.headers.get('allow'), 'GET');
});

test('security headers on every answer', async () => {
  const r = await c.req('GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
});

test('/metrics with a bearer token: 401 without or with a wrong token, 200 with it', async () => {
  const token = 'metrics-secret-0123456789';
  const m = await startHarness({ metricsToken: token });
  try {
    const mc = new Client(m.base);
    const none = await mc.req('GET', '/metrics');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal((await mc.req('GET', '/metrics', undefined, { authorization: 'Bearer wrong-token-0000000000' })).status, 401);
    const ok = await mc.req('GET', '/metrics', undefined, { authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.ok(parsePrometheus(ok.body as string).has('pacsgate_destination_queued'));
  } finally {
    await m.handle.close();
  }
});

test('hostile request lines get 4xx answers and the server keeps serving', async () => {
  const net = await import('node:net');
  const raw = (line: string): Promise<string> => new Promise((resolve) => {
    const s = net.connect(h.handle.port, '127.0.0.1', () => s.end(`${line}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = '';
    s.on('data', (d: Buffer) => (text += d));
    s.on('close', () => resolve(text.split('\r\n')[0]));
    s.on('error', () => resolve(text.split('\r\n')[0]));
  });
  assert.match(await raw('GET http://[ HTTP/1.1'), /^HTTP\/1\.1 4\d\d/);
  assert.match(await raw('GET /js/web/page/%E0%A4%A HTTP/1.1'), /^HTTP\/1\.1 404/);
  assert.match(await raw('GET /api/dead-letters/%ZZ/1/retry HTTP/1.1'), /^HTTP\/1\.1 4\d\d/);
  assert.equal((await c.req('GET', '/healthz')).status, 200);
  assert.equal(h.lines.some((l) => l.msg === 'http handler failed'), false);
});
