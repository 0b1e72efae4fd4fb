// The page in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; no
// browser is ever downloaded). Fake backend, whose echo() runs DCMTK's echoscu against a small
// Verification SCP on 127.0.0.1 (echo-scp.ts). Screenshots go to artifacts/ (gitignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../../unit/web/harness.js';
import { loadConfig } from '../../../src/config/load.js';
import { startEchoScp } from './echo-scp.js';
import { echoscu } from './echoscu.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const artifacts = path.join(root, 'artifacts');
const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'a long admin password';

let h: Harness;
let ctx: BrowserContext;
let page: Page;
let profile: string;
let scp: Awaited<ReturnType<typeof startEchoScp>>;
const pageErrors: string[] = [];
const foreignRequests: string[] = [];
const configPuts: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: scripts/test.sh installs the Debian chromium package`);
  mkdirSync(artifacts, { recursive: true });
  h = await startHarness({ login: 'required' });
  scp = await startEchoScp('CENTRALPACS');
  h.backend.echoImpl = echoscu;
  profile = mkdtempSync(path.join(tmpdir(), 'pg-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 900 },
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(h.base)) foreignRequests.push(r.url());
    if (r.method() === 'PUT' && r.url().endsWith('/api/config')) configPuts.push(r.url());
  });
});

after(async () => {
  await ctx?.close();
  await h?.handle.close();
  await scp?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(artifacts, `web-${name}.png`), fullPage: true });

test('first-run setup with the logged token, then the app', async (t) => {
  await page.goto(h.base + '/');
  await page.locator('#setup').waitFor({ state: 'visible' });
  const perf = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    return { loadMs: Math.round(nav.loadEventEnd), requests: res.length + 1, bytes: nav.encodedBodySize + res.reduce((n, r) => n + r.encodedBodySize, 0) };
  });
  t.diagnostic(`page load ${perf.loadMs} ms, ${perf.requests} requests, ${perf.bytes} bytes (loopback, shared machine)`);
  assert.ok(perf.bytes < 100_000, 'the page stays small');
  assert.equal(await page.locator('#app').isVisible(), false);
  await shot('setup');
  const token = h.lines.find((l) => l.msg === 'http setup token')?.setupToken as string;
  await page.getByLabel('Setup token').fill('not-the-token');
  await page.getByLabel(/New password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.locator('#setup-token-err').filter({ hasText: 'wrong setup token' }).waitFor();
  assert.equal(await page.getByLabel('Setup token').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Setup token').fill(token);
  await page.getByLabel(/New password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.locator('#app').waitFor({ state: 'visible' });
  await page.locator('#spool-text').filter({ hasText: 'instances' }).waitFor();
});

test('log out, then log in with the new password', async () => {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.locator('#login').waitFor({ state: 'visible' });
  await page.getByLabel('Admin password').fill('wrong password!');
  await page.keyboard.press('Enter');
  await page.locator('#login-password-err').filter({ hasText: 'wrong password' }).waitFor();
  await shot('login');
  await page.getByLabel('Admin password').fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('#app').waitFor({ state: 'visible' });
});

test('status: figures, destinations, dead letters with retry, last 100 instances, client-side rates', async () => {
  await page.locator('#dest-table tbody tr').nth(1).waitFor();
  assert.equal(await page.locator('#dest-table tbody tr').count(), 2);
  assert.match(await page.locator('#dest-table tbody tr').nth(1).innerText(), /circuit-open[\s\S]*ECONNREFUSED/);
  assert.equal(await page.locator('#inst-table tbody tr').count(), 100);
  assert.match(await page.locator('#spool-text').innerText(), /5\.0 MiB of 64\.0 GiB/);
  // Two polls with 40 more instances in between: the page computes a non-zero receive rate.
  h.backend.statusValue.received.instances += 40;
  h.backend.statusValue.destinations[0].forwarded += 40;
  await page.locator('#recv-rate').filter({ hasText: /[1-9][0-9.]* instances\/s/ }).waitFor({ timeout: 10_000 });
  await page.locator('#fwd-rate').filter({ hasText: /[1-9][0-9.]* instances\/s/ }).waitFor({ timeout: 10_000 });
  await shot('status');
  await page.getByRole('button', { name: 'Retry dead letter 7 for pacs' }).click();
  await page.locator('#dl-table tbody').filter({ hasText: 'No dead letters.' }).waitFor();
  assert.deepEqual(h.backend.retried, [['pacs', 7]]);
});

test('add a destination, press Test, see the echo result, save it', async () => {
  await page.getByRole('button', { name: 'Add destination' }).click();
  const row = page.locator('#destinations .row').last();
  await row.getByLabel('Name').fill('central');
  await row.getByLabel('AE title').fill('NOSUCHAE');
  await row.getByLabel('Host').fill('127.0.0.1');
  await row.getByLabel('Port').fill(String(scp.port));
  await row.getByRole('button', { name: 'Test' }).click();
  await row.locator('.echo-result').filter({ hasText: /^Echo failed: Association Rejected.*Called AE Title Not Recognized/ }).waitFor();
  await row.getByLabel('AE title').fill('CENTRALPACS');
  await row.getByRole('button', { name: 'Test' }).click();
  await row.locator('.echo-result').filter({ hasText: 'Echo OK (status 0x0000' }).waitFor();
  assert.deepEqual(h.backend.echoes.at(-1), { aeTitle: 'CENTRALPACS', host: '127.0.0.1', port: scp.port, callingAeTitle: 'PACSGATE' });
  await shot('echo');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#save-result').filter({ hasText: 'Applied now: destinations' }).waitFor();
  assert.deepEqual(h.backend.config().destinations.map((d) => `${d.name}=${d.aeTitle}@${d.host}:${d.port}`), [`central=CENTRALPACS@127.0.0.1:${scp.port}`]);
  assert.equal(loadConfig({ file: h.configFile, env: {} }).destinations[0].name, 'central');
  assert.equal(h.backend.config().destinations[0].compress, undefined, 'empty optional fields stay unset');
});

test('a destination\'s WAN compression, fallback syntaxes and parallel associations are set from the page', async () => {
  const row = page.locator('#destinations .row').last();
  await row.getByLabel(/Compress for the WAN/).fill('zip');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await row.locator('.err').filter({ hasText: '"jpeg-lossless", "rle" or null' }).waitFor();
  await row.getByLabel(/Compress for the WAN/).fill('rle');
  await row.getByLabel(/Fallback transfer syntax UIDs/).fill('1.2.840.10008.1.2, 1.2.840.10008.1.2.1');
  await row.getByLabel(/Parallel associations/).fill('2');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#save-result').filter({ hasText: 'Applied now: destinations' }).waitFor();
  const saved = loadConfig({ file: h.configFile, env: {} }).destinations[0];
  assert.equal(saved.compress, 'rle');
  assert.deepEqual(saved.transferSyntaxes, ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);
  assert.equal(saved.concurrency, 2);
  await page.reload();
  const again = page.locator('#destinations .row').last();
  await again.getByLabel(/Fallback transfer syntax UIDs/).waitFor();
  assert.equal(await again.getByLabel(/Compress for the WAN/).inputValue(), 'rle');
  assert.equal(await again.getByLabel(/Fallback transfer syntax UIDs/).inputValue(), '1.2.840.10008.1.2, 1.2.840.10008.1.2.1');
});

test('bad input shows the error next to the field and nothing is sent', async () => {
  const saves = h.backend.applied.length;
  const puts = configPuts.length;
  const row = page.locator('#destinations .row').first();
  await row.getByLabel('Port').fill('99999');
  await page.getByRole('button', { name: 'Save settings' }).click();
  const port = row.getByLabel('Port');
  const err = row.locator('.err').filter({ hasText: 'expected an integer from 1 to 65535' });
  await err.waitFor();
  assert.equal(await port.getAttribute('aria-invalid'), 'true');
  const described = await port.getAttribute('aria-describedby');
  assert.ok(described && described === (await err.getAttribute('id')), 'the error is tied to the field for screen readers');
  assert.ok(await port.evaluate((el) => el === document.activeElement), 'focus moves to the bad field');
  await shot('field-error');
  await page.locator('#f-aeTitle').fill('BAD\\AE');
  await row.getByLabel('Port').fill(String(scp.port));
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#f-aeTitle + .err').filter({ hasText: 'AE title' }).waitFor();
  assert.equal(h.backend.applied.length, saves);
  assert.equal(configPuts.length, puts, 'the schema running in the browser stopped both saves before any request');
  await page.locator('#f-aeTitle').fill('PACSGATE');
});

test('every input has a label; the settings form works from the keyboard', async () => {
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input')].filter((i) => !i.labels?.length).map((i) => i.id));
  assert.deepEqual(unlabeled, []);
  await page.getByRole('button', { name: 'Add caller' }).focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-field')), 'aeTitle', 'focus lands in the new row');
  await page.keyboard.type('MODALITY1');
  await page.keyboard.press('Enter'); // submits the form
  await page.locator('#save-result').filter({ hasText: 'Applied now: dicom.allow' }).waitFor();
  assert.deepEqual(h.backend.config().dicom.allow, [{ aeTitle: 'MODALITY1' }]);
});

test('routing rule: an unknown destination is flagged on its field; a good rule saves', async () => {
  await page.getByRole('button', { name: 'Add rule' }).click();
  const rule = page.locator('#routes .row').last();
  await rule.getByLabel(/To destinations/).fill('central, nowhere');
  await rule.getByLabel('Modality pattern').fill('CT');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await rule.locator('.err').filter({ hasText: 'expected a configured destination (central)' }).waitFor();
  await rule.getByLabel(/To destinations/).fill('central');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#save-result').filter({ hasText: 'Applied now: routes' }).waitFor();
  assert.deepEqual(h.backend.config().routes, [{ destinations: ['central'], modality: 'CT' }]);
});

test('spool limit, removing a row, discarding a dead letter', async () => {
  await page.locator('#f-spoolMax').fill('1024');
  await page.getByRole('button', { name: 'Remove this caller' }).click();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#save-result').filter({ hasText: 'Applied now: dicom.allow, spool.maxBytes' }).waitFor();
  assert.equal(h.backend.config().spool.maxBytes, 1024 * 1024 * 1024);
  assert.deepEqual(h.backend.config().dicom.allow, []);
  assert.equal(await page.locator('#f-spoolMax').inputValue(), '1024');
  h.backend.dead.push({ id: 9, destination: 'backup', sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: '1.2.3.9', lastStatus: 0xc000, lastError: 'Cannot understand', attempts: 3, at: '2026-11-22T14:10:00.000Z' });
  const discard = page.getByRole('button', { name: 'Discard dead letter 9 for backup' });
  await discard.waitFor();
  assert.match(await page.locator('#dl-table tbody tr').first().innerText(), /Cannot understand \(0xc000\)/);
  await discard.click();
  await page.locator('#dl-table tbody').filter({ hasText: 'No dead letters.' }).waitFor();
  assert.deepEqual(h.backend.dead, []);
});

test('360 px wide: no horizontal page scroll, forms usable', async () => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.reload();
  await page.locator('#app').waitFor({ state: 'visible' });
  await page.locator('#dest-table tbody tr').first().waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide at a 360px viewport`);
  const box = await page.locator('#destinations .row').first().getByLabel('Host').boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 360, 'inputs fit the viewport');
  await shot('360px');
  await page.locator('#settings').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(artifacts, 'web-360px-settings.png') });
});

test('no requests left the gateway and the page logged no errors', () => {
  assert.deepEqual(foreignRequests, []);
  assert.deepEqual(pageErrors.filter((e) => !/status of 40[13]/.test(e)), []);
});
