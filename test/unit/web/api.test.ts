import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { startHarness, Client } from './harness.js';
import { loadConfig } from '../../../src/config/load.js';

const h = await startHarness();
after(() => h.handle.close());

async function client(): Promise<Client> {
  const c = new Client(h.base);
  const s = await c.session();
  assert.equal(s.status, 200);
  return c;
}

const dest = { name: 'pacs', aeTitle: 'CENTRAL', host: '127.0.0.1', port: 4242 };

test('loopback bind: no login; /api/session hands out a CSRF token', async () => {
  const c = new Client(h.base);
  const r = await c.session();
  assert.equal(r.body.loginRequired, false);
  assert.equal(r.body.setupRequired, false);
  assert.equal(r.body.authenticated, true);
  assert.match(r.body.csrfToken, /^[A-Za-z0-9_-]{40,}$/);
  assert.equal((await c.req('GET', '/api/config')).status, 200);
});

test('a non-loopback Host header (DNS rebinding) gets no CSRF token', async () => {
  // fetch() will not send a foreign Host header; node:http will, as a rebinding browser would.
  const get = (host: string): Promise<{ csrfToken: string | null }> => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: h.handle.port, path: '/api/session', headers: { host } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve(JSON.parse(text)));
    }).on('error', reject);
  });
  assert.equal((await get('evil.example:8080')).csrfToken, null);
  assert.match((await get(`localhost:${h.handle.port}`)).csrfToken ?? '', /^[A-Za-z0-9_-]{40,}$/);
});

test('state-changing requests without, with a wrong, or with a cross-origin CSRF are refused', async () => {
  const c = await client();
  const body = { destinations: [dest] };
  for (const [headers, code] of [
    [{ 'x-csrf-token': '' }, 403],
    [{ 'x-csrf-token': 'wrong' }, 403],
    [{ origin: 'http://evil.example' }, 403],
  ] as Array<[Record<string, string>, number]>) {
    const r = await c.req('PUT', '/api/config', body, headers);
    assert.equal(r.status, code, JSON.stringify(headers));
    assert.equal(r.body.error.code, 'GW_HTTP_CSRF');
  }
  const noCsrf = new Client(h.base);
  for (const [m, p] of [['PUT', '/api/config'], ['POST', '/api/echo'], ['POST', '/api/dead-letters/pacs/7/retry'], ['DELETE', '/api/dead-letters/pacs/7']]) {
    const r = await noCsrf.req(m, p, {});
    assert.equal(r.status, 403, `${m} ${p}`);
  }
  assert.equal(existsSync(h.configFile), false, 'nothing was written');
  assert.equal(h.backend.applied.length, 0);
  assert.equal(h.backend.dead.length, 1);
});

test('a form-encodable body (text/plain) is refused with 415', async () => {
  const c = await client();
  const r = await c.req('PUT', '/api/config', '{"aeTitle":"X"}', { 'content-type': 'text/plain' });
  assert.equal(r.status, 415);
});

test('PUT /api/config validates, writes the file, applies, and says what needs a restart', async () => {
  const c = await client();
  const r = await c.req('PUT', '/api/config', { aeTitle: 'NEWGATE', destinations: [dest], routes: [{ destinations: ['pacs'], modality: 'CT' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.restartRequired, ['aeTitle']);
  assert.deepEqual(r.body.applied, ['destinations', 'routes']);
  assert.equal(r.body.file, h.configFile);
  const onDisk = loadConfig({ file: h.configFile, env: {} });
  assert.equal(onDisk.aeTitle, 'NEWGATE');
  assert.deepEqual(onDisk.destinations.map((d) => d.name), ['pacs']);
  assert.equal(h.backend.config().aeTitle, 'NEWGATE');
  const g = await c.req('GET', '/api/config');
  assert.equal(g.body.config.destinations[0].host, '127.0.0.1');
  assert.equal('source' in g.body.config, false);
});

test('PUT /api/config with a bad field: 400 naming the key; file and backend untouched', async () => {
  const c = await client();
  const before = existsSync(h.configFile) ? readFileSync(h.configFile, 'utf8') : null;
  const applied = h.backend.applied.length;
  const cases: Array<[unknown, string]> = [
    [{ destinations: [{ ...dest, port: 99999 }] }, 'destinations[0].port'],
    [{ dicom: { port: 'x' } }, 'dicom.port'],
    [{ aeTitle: 'WAY_TOO_LONG_AE_TITLE' }, 'aeTitle'],
    [{ routes: [{ destinations: ['nowhere'] }] }, 'routes[0].destinations[0]'],
    [{ dicom: { allow: [{ aeTitle: 'A\\B' }] } }, 'dicom.allow[0].aeTitle'],
    [{ spool: { maxBytes: 5 } }, 'spool.maxBytes'],
  ];
  for (const [body, key] of cases) {
    const r = await c.req('PUT', '/api/config', body);
    assert.equal(r.status, 400, key);
    assert.equal(r.body.error.code, 'GW_ERR_CONFIG');
    assert.equal(r.body.error.key, key);
  }
  assert.equal(existsSync(h.configFile) ? readFileSync(h.configFile, 'utf8') : null, before);
  assert.equal(h.backend.applied.length, applied);
});

test('the metrics token is never shown and survives a save from the page', async () => {
  const { FakeBackend } = await import('./fake-backend.js');
  const { validateConfig } = await import('../../../src/config/schema.js');
  const { defaultConfig } = await import('../../../src/config/defaults.js');
  const { source: _s, ...doc } = defaultConfig();
  doc.http.metricsToken = 'secret-token-abcdefghijkl';
  const m = await startHarness({}, new FakeBackend(validateConfig(doc, { file: null })));
  try {
    const c = new Client(m.base);
    await c.session();
    const g = await c.req('GET', '/api/config');
    assert.equal(JSON.stringify(g.body).includes('secret-token'), false);
    const r = await c.req('PUT', '/api/config', g.body.config);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.applied, []);
    assert.equal(JSON.parse(readFileSync(m.configFile, 'utf8')).http.metricsToken, 'secret-token-abcdefghijkl');
  } finally {
    await m.handle.close();
  }
});

test('saves go to the config file the gateway was started with', async () => {
  const { FakeBackend } = await import('./fake-backend.js');
  const { mkdtempSync } = await import('node:fs');
  const path = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-cfgsrc-'));
  const file = path.join(dir, 'gateway.json');
  writeFileSync(file, '{}\n');
  const m = await startHarness({ configFile: undefined }, new FakeBackend(loadConfig({ file, env: {} })));
  try {
    const c = new Client(m.base);
    await c.session();
    const r = await c.req('PUT', '/api/config', { destinations: [dest] });
    assert.equal(r.body.file, file);
    assert.equal(loadConfig({ file, env: {} }).destinations[0].aeTitle, 'CENTRAL');
  } finally {
    await m.handle.close();
  }
});

test('POST /api/echo checks the peer, defaults the calling AE, returns the backend result', async () => {
  const c = await client();
  h.backend.echoImpl = async (p) => (p.port === 4242 ? { ok: true, status: 0, ms: 5 } : { ok: false, error: 'ECONNREFUSED', ms: 1 });
  const ok = await c.req('POST', '/api/echo', { aeTitle: 'CENTRAL', host: '127.0.0.1', port: 4242 });
  assert.deepEqual(ok.body, { ok: true, status: 0, ms: 5 });
  assert.deepEqual(h.backend.echoes.at(-1), { aeTitle: 'CENTRAL', host: '127.0.0.1', port: 4242, callingAeTitle: h.backend.config().aeTitle });
  const bad = await c.req('POST', '/api/echo', { aeTitle: 'CENTRAL', host: '127.0.0.1', port: 1, callingAeTitle: 'ME' });
  assert.deepEqual(bad.body, { ok: false, error: 'ECONNREFUSED', ms: 1 });
  assert.equal(h.backend.echoes.at(-1)?.callingAeTitle, 'ME');
  for (const [body, key] of [
    [{ aeTitle: '', host: 'h', port: 104 }, 'aeTitle'],
    [{ aeTitle: 'A', host: 'bad host', port: 104 }, 'host'],
    [{ aeTitle: 'A', host: 'h', port: 0 }, 'port'],
  ] as Array<[unknown, string]>) {
    const r = await c.req('POST', '/api/echo', body);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.key, key);
  }
});

test('GET /api/instances: at most 100, no patient attributes', async () => {
  const c = await client();
  const r = await c.req('GET', '/api/instances');
  assert.equal(r.body.instances.length, 100);
  assert.equal(r.body.instances[0].id, 120);
  assert.doesNotMatch(JSON.stringify(r.body), /patient/i);
});

test('dead letters: list, retry, discard, 404 for unknown ones', async () => {
  const c = await client();
  h.backend.dead.push({ id: 8, destination: 'pacs', sopClassUid: '1.2', sopInstanceUid: '1.2.3', lastStatus: null, lastError: 'timeout', attempts: 9, at: '2026-11-22T13:05:00.000Z' });
  const l = await c.req('GET', '/api/dead-letters');
  assert.deepEqual(l.body.deadLetters.map((d: { id: number }) => d.id), [7, 8]);
  assert.equal((await c.req('POST', '/api/dead-letters/pacs/7/retry')).status, 200);
  assert.deepEqual(h.backend.retried, [['pacs', 7]]);
  assert.equal((await c.req('POST', '/api/dead-letters/pacs/7/retry')).status, 404);
  assert.equal((await c.req('DELETE', '/api/dead-letters/backup/8')).status, 404);
  assert.equal((await c.req('DELETE', '/api/dead-letters/pacs/8')).status, 200);
  assert.equal((await c.req('DELETE', '/api/dead-letters/pacs/abc')).status, 404);
  assert.deepEqual((await c.req('GET', '/api/dead-letters')).body.deadLetters, []);
});

test('POST /api/instances/:id/resend: queues a stored instance again (its destinations, or those named); 404 once gone; 400 for unknown names; CSRF', async () => {
  const c = await client();
  h.backend.cfg = { ...h.backend.cfg, destinations: [
    { name: 'pacs', aeTitle: 'PACS', host: '127.0.0.1', port: 104, callingAeTitle: 'PACSGATE', maxPduLength: 65536, transferSyntaxes: [], concurrency: 1 },
    { name: 'backup', aeTitle: 'BACKUP', host: '127.0.0.1', port: 105, callingAeTitle: 'PACSGATE', maxPduLength: 65536, transferSyntaxes: [], concurrency: 1 },
  ] };
  h.backend.stored.set(42, ['pacs', 'backup']);
  const all = await c.req('POST', '/api/instances/42/resend', {});
  assert.equal(all.status, 200);
  assert.deepEqual(all.body, { ok: true, queued: ['pacs', 'backup'] });
  const one = await c.req('POST', '/api/instances/42/resend', { destinations: ['backup'] });
  assert.deepEqual(one.body.queued, ['backup']);
  assert.deepEqual(h.backend.resent, [[42, undefined], [42, ['backup']]]);
  assert.equal((await c.req('POST', '/api/instances/43/resend', {})).status, 404, 'not in the spool');
  assert.equal((await c.req('POST', '/api/instances/x/resend', {})).status, 404);
  const bad = await c.req('POST', '/api/instances/42/resend', { destinations: ['nowhere'] });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /configured destination names \(pacs, backup\)/);
  assert.equal((await c.req('POST', '/api/instances/42/resend', { destinations: [] })).status, 400);
  assert.equal((await new Client(h.base).req('POST', '/api/instances/42/resend', {})).status, 403, 'CSRF');
  assert.equal(h.backend.resent.length, 2, 'nothing queued by the refused requests');
});

test('bodies over the limit are refused with 413', async () => {
  const c = await client();
  const r = await c.req('PUT', '/api/config', { pad: 'x'.repeat(300 * 1024) });
  assert.equal(r.status, 413);
});

test('the page and its modules are served; nothing outside the whitelist', async () => {
  const c = new Client(h.base);
  const page = await c.req('GET', '/');
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.body, /<script type="module" src="\/js\/web\/page\/app\.js">/);
  assert.doesNotMatch(page.body, /https?:\/\/(?!www\.w3)/, 'no external assets');
  for (const p of ['/app.css', '/js/web/page/app.js', '/js/config/schema.js', '/js/errors.js', '/js/config/types.js']) {
    const r = await c.req('GET', p);
    assert.equal(r.status, 200, p);
  }
  for (const p of ['/js/config/load.js', '/js/web/server.js', '/js/web/page/app.js.map', '/js/../package.json', '/js/web/page/..%2F..%2Fmain.js']) {
    assert.equal((await c.req('GET', p)).status, 404, p);
  }
  const etag = (await c.req('GET', '/app.css')).headers.get('etag') as string;
  assert.equal((await c.req('GET', '/app.css', undefined, { 'if-none-match': etag })).status, 304);
});

test('a "__proto__" key in a body is dropped, never merged', async () => {
  const c = await client();
  const r = await c.req('PUT', '/api/config', '{"__proto__":{"aeTitle":"PWNED"},"dicom":{"__proto__":{"port":1}}}');
  assert.equal(r.status, 200);
  assert.notEqual(h.backend.config().aeTitle, 'PWNED');
  assert.equal(({} as Record<string, unknown>).aeTitle, undefined);
});

test('httpOptionsFromConfig maps the http section onto the server options', async () => {
  const { httpOptionsFromConfig } = await import('../../../src/web/options.js');
  const cfg = structuredClone(h.backend.config());
  cfg.http = { ...cfg.http, host: '0.0.0.0', port: 0, login: 'required', tls: { cert: 'c.pem', key: 'k.pem' }, metricsToken: 't'.repeat(16), heartbeat: null };
  cfg.source = { file: '/etc/pacsgate/config.json' };
  const o = httpOptionsFromConfig(cfg, { log: h.lines as never, backend: h.backend, stateDir: '/var/lib/pacsgate/http' });
  assert.equal(o.host, '0.0.0.0');
  assert.equal(o.login, 'required');
  assert.deepEqual(o.tls, { cert: 'c.pem', key: 'k.pem' });
  assert.equal(o.metricsToken, 't'.repeat(16));
  assert.equal(o.heartbeat, undefined);
  assert.equal(o.configFile, '/etc/pacsgate/config.json');
  assert.deepEqual(o.open, ['/healthz', '/readyz', '/metrics']);
});
