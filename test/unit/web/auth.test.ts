import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHarness, Client, type Harness } from './harness.js';
import { loginRequiredFor, LOGIN_ATTEMPTS_PER_MINUTE } from '../../../src/web/auth/access.js';

const PASSWORD = 'correct horse battery';
const running: Harness[] = [];
after(() => Promise.all(running.map((x) => x.handle.close())));

async function start(extra = {}): Promise<Harness> {
  const h = await startHarness({ login: 'required', ...extra });
  running.push(h);
  return h;
}

function setupToken(h: Harness): string {
  const line = h.lines.find((l) => l.msg === 'http setup token');
  assert.ok(line, 'setup token logged');
  return line.setupToken as string;
}

/** A fresh server taken through first-run setup; returns it and a logged-in client. */
async function setUp(): Promise<{ h: Harness; c: Client }> {
  const h = await start();
  const c = new Client(h.base);
  const r = await c.req('POST', '/api/setup', { token: setupToken(h), password: PASSWORD });
  assert.equal(r.status, 200);
  c.csrf = r.body.csrfToken;
  return { h, c };
}

test('login is required exactly when bound off loopback (or configured)', () => {
  for (const host of ['127.0.0.1', '127.8.9.1', '::1', 'localhost', '[::1]']) assert.equal(loginRequiredFor(host), false, host);
  for (const host of ['0.0.0.0', '::', '192.168.1.20', 'gateway.example']) assert.equal(loginRequiredFor(host), true, host);
  assert.equal(loginRequiredFor('127.0.0.1', 'required'), true);
});

test('first run: the setup token is logged and written 0600 to the state dir', async () => {
  const h = await start();
  const token = setupToken(h);
  const file = path.join(h.stateDir, 'setup-token');
  assert.equal(readFileSync(file, 'utf8').trim(), token);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const s = await new Client(h.base).session();
  assert.deepEqual(s.body, { loginRequired: true, setupRequired: true, authenticated: false, csrfToken: null });
});

test('without a session: API refused with 401, probes open by default', async () => {
  const h = await start();
  const c = new Client(h.base);
  for (const p of ['/api/status', '/api/config', '/api/instances', '/api/dead-letters']) {
    const r = await c.req('GET', p);
    assert.equal(r.status, 401, p);
    assert.equal(r.body.error.code, 'GW_HTTP_LOGIN_REQUIRED');
  }
  for (const [m, p] of [['PUT', '/api/config'], ['POST', '/api/echo'], ['POST', '/api/logout'], ['DELETE', '/api/dead-letters/pacs/7']]) {
    assert.equal((await c.req(m, p, {})).status, 401, `${m} ${p}`);
  }
  for (const p of ['/healthz', '/readyz', '/metrics', '/', '/app.css']) assert.equal((await c.req('GET', p)).status, 200, p);
  assert.equal(h.backend.dead.length, 1);
});

test('http.open decides which probes stay readable without login', async () => {
  const h = await start({ open: ['/api/status'] });
  const c = new Client(h.base);
  assert.equal((await c.req('GET', '/api/status')).status, 200);
  for (const p of ['/healthz', '/readyz', '/metrics']) assert.equal((await c.req('GET', p)).status, 401, p);
});

test('setup: wrong token, short password refused; then cookie flags, scrypt hash 0600, token retired', async () => {
  const h = await start();
  const c = new Client(h.base);
  const token = setupToken(h);
  const wrong = await c.req('POST', '/api/setup', { token: 'x'.repeat(token.length), password: PASSWORD });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.error.key, 'token');
  const short = await c.req('POST', '/api/setup', { token, password: 'short' });
  assert.equal(short.status, 400);
  assert.equal(short.body.error.key, 'password');
  const ok = await fetch(h.base + '/api/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: PASSWORD }) });
  assert.equal(ok.status, 200);
  const cookie = ok.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^pacsgate_session=[A-Za-z0-9_-]{40,};/);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/, 'plain HTTP: no Secure flag');
  const auth = path.join(h.stateDir, 'auth.json');
  assert.equal(statSync(auth).mode & 0o777, 0o600);
  const rec = JSON.parse(readFileSync(auth, 'utf8'));
  assert.equal(rec.scheme, 'scrypt');
  assert.ok(rec.N >= 16384);
  assert.equal(readFileSync(auth, 'utf8').includes(PASSWORD), false);
  assert.equal(existsSync(path.join(h.stateDir, 'setup-token')), false);
  const again = await c.req('POST', '/api/setup', { token, password: PASSWORD });
  assert.equal(again.status, 409);
});

test('two setups racing with the right token: exactly one wins', async () => {
  const h = await start();
  const token = setupToken(h);
  const [a, b] = await Promise.all(['first password!', 'second password!'].map((password) => new Client(h.base).req('POST', '/api/setup', { token, password })));
  assert.deepEqual([a.status, b.status].sort(), [200, 403]);
  const winner = a.status === 200 ? 'first password!' : 'second password!';
  const loser = a.status === 200 ? 'second password!' : 'first password!';
  assert.equal((await new Client(h.base).req('POST', '/api/login', { password: loser })).status, 401);
  assert.equal((await new Client(h.base).req('POST', '/api/login', { password: winner })).status, 200);
});

test('logged in: API works, CSRF still required, logout ends the session', async () => {
  const { c } = await setUp();
  assert.equal((await c.req('GET', '/api/status')).status, 200);
  const s = await c.req('GET', '/api/session');
  assert.equal(s.body.authenticated, true);
  assert.equal(s.body.csrfToken, c.csrf);
  assert.equal((await c.req('PUT', '/api/config', { aeTitle: 'X1' }, { 'x-csrf-token': '' })).status, 403);
  assert.equal((await c.req('PUT', '/api/config', { aeTitle: 'X1' })).status, 200);
  const cookie = c.cookie;
  assert.equal((await c.req('POST', '/api/logout')).status, 200);
  const stale = new Client(c.base);
  stale.cookie = cookie;
  assert.equal((await stale.req('GET', '/api/config')).status, 401);
});

test('a CSRF token from another session does not work', async () => {
  const { h, c } = await setUp();
  const other = new Client(h.base);
  const r = await other.req('POST', '/api/login', { password: PASSWORD });
  assert.equal(r.status, 200);
  other.csrf = c.csrf;
  assert.equal((await other.req('PUT', '/api/config', { aeTitle: 'X2' })).status, 403);
});

test('login: wrong password 401, right one 200; the hash survives a restart', async () => {
  const { h } = await setUp();
  await h.handle.close();
  running.splice(running.indexOf(h), 1);
  const h2 = await start({ stateDir: h.stateDir });
  assert.equal(h2.lines.some((l) => l.msg === 'http setup token'), false, 'no new token once a password exists');
  const c = new Client(h2.base);
  assert.deepEqual((await c.session()).body.setupRequired, false);
  const bad = await c.req('POST', '/api/login', { password: 'not the password' });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.error.code, 'GW_HTTP_LOGIN_FAILED');
  const good = await c.req('POST', '/api/login', { password: PASSWORD });
  assert.equal(good.status, 200);
  c.csrf = good.body.csrfToken;
  assert.equal((await c.req('GET', '/api/config')).status, 200);
});

test(`login is rate-limited: attempt ${LOGIN_ATTEMPTS_PER_MINUTE + 1} within a minute gets 429 even with the right password`, async () => {
  const { h } = await setUp();
  const c = new Client(h.base);
  // The setup request was the first attempt from this address; login and setup share the budget.
  for (let i = 1; i < LOGIN_ATTEMPTS_PER_MINUTE; i++) assert.equal((await c.req('POST', '/api/login', { password: `wrong-${i}-xxxxxx` })).status, 401);
  const r = await c.req('POST', '/api/login', { password: PASSWORD });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.equal(h.lines.filter((l) => l.msg === 'http login failed').length, LOGIN_ATTEMPTS_PER_MINUTE - 1);
});

test('login from a foreign Origin is refused', async () => {
  const { h } = await setUp();
  const c = new Client(h.base);
  const r = await c.req('POST', '/api/login', { password: PASSWORD }, { origin: 'http://evil.example' });
  assert.equal(r.status, 403);
});

test('HTTPS: the page is served over TLS and the session cookie is Secure', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-tls-'));
  const cert = path.join(dir, 'cert.pem'), key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const h = await start({ tls: { cert, key } });
  const token = setupToken(h);
  const body = JSON.stringify({ token, password: PASSWORD });
  const res = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: h.handle.port, path: '/api/setup', method: 'POST', ca: readFileSync(cert),
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (r) => {
      r.resume();
      r.on('end', () => resolve({ status: r.statusCode ?? 0, cookie: String(r.headers['set-cookie'] ?? '') }));
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(res.status, 200);
  assert.match(res.cookie, /; Secure/);
  await assert.rejects(fetch(`http://127.0.0.1:${h.handle.port}/healthz`), 'plain HTTP is not spoken on the TLS port');
});
