// End to end in a real browser against the real daemon (issue #6): add a destination (DCMTK storescp
// on loopback) on the page, press Test and see the echo succeed, save; send instances with storescu;
// watch them appear as forwarded. Debian's /usr/bin/chromium via playwright-core; screenshots go to
// artifacts/ (gitignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { cleanupDaemons, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { startStorescp, type StoreScp } from '../../peers/dcmtk.js';
import { ROOT, TESTDATA } from '../../helpers/testdata.js';

const CHROMIUM = '/usr/bin/chromium';
// Distinct SOP Instance UIDs (MR_small and its big-endian twin share one: the second would replace the first).
const FILES = ['pydicom/CT_small.dcm', 'pydicom/MR_small.dcm', 'pydicom/SC_rgb_small_odd_big_endian.dcm', 'pylibjpeg-data/ds/LittleEndianExplicit/SC_rgb.dcm', 'pylibjpeg-data/ds/LittleEndianImplicit/rtdose.dcm'];
let daemon: Daemon;
let pacs: StoreScp;
let ctx: BrowserContext;
let page: Page;
let profile: string;
const artifacts = path.join(ROOT, 'artifacts');

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: scripts/test.sh installs Debian's chromium`);
  mkdirSync(artifacts, { recursive: true });
  pacs = await startStorescp({ aeTitle: 'CENTRALPACS', args: ['+B'] });
  daemon = await startDaemon();
  profile = mkdtempSync(path.join(tmpdir(), 'pg-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 900 },
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await ctx?.close();
  await cleanupDaemons();
  await pacs?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (pacs) rmSync(pacs.dir, { recursive: true, force: true });
});

test('on the page: add the storescp destination, Test = C-ECHO succeeds, save applies it live', async () => {
  await page.goto(`http://127.0.0.1:${daemon.httpPort}/`);
  await page.locator('#app').waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'Add destination' }).click();
  const row = page.locator('#destinations .row').last();
  await row.getByLabel('Name').fill('central');
  await row.getByLabel('AE title').fill('CENTRALPACS');
  await row.getByLabel('Host').fill('127.0.0.1');
  await row.getByLabel('Port').fill(String(pacs.port));
  await row.getByRole('button', { name: 'Test' }).click();
  await row.locator('.echo-result').filter({ hasText: 'Echo OK (status 0x0000' }).waitFor();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#save-result').filter({ hasText: 'Applied now: destinations' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'e2e-destination.png'), fullPage: true });
  const st = (await (await fetch(`http://127.0.0.1:${daemon.httpPort}/api/status`)).json()) as { destinations: Array<{ name: string }> };
  assert.deepEqual(st.destinations.map((d) => d.name), ['central']);
});

test('storescu sends to pacsgate; the page shows them received and forwarded; storescp has them', async () => {
  execFileSync('storescu', ['-aec', 'PACSGATE', '127.0.0.1', String(daemon.dicomPort), ...FILES.map((f) => path.join(TESTDATA, f))], { env: { ...process.env, TCP_NODELAY: '1' } });
  const statusUrl = `http://127.0.0.1:${daemon.httpPort}/api/status`;
  for (let i = 0; i < 300; i++) {
    const st = (await (await fetch(statusUrl)).json()) as { destinations: Array<{ forwarded: number }> };
    if (st.destinations[0]?.forwarded === FILES.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    // The Forwarded column of the destination's row (the page polls /api/status).
    await page.waitForFunction((n) => [...document.querySelectorAll('#dest-table tbody tr')].some((r) =>
      (r as HTMLTableRowElement).cells[0]?.innerText === 'central' && (r as HTMLTableRowElement).cells[5]?.innerText === String(n)), FILES.length, { timeout: 15_000 });
  } catch (err) {
    await page.screenshot({ path: path.join(artifacts, 'e2e-failed.png'), fullPage: true });
    throw new Error(`${(err as Error).message}\nstatus: ${await (await fetch(statusUrl)).text()}`);
  }
  await page.locator('#inst-table tbody tr').nth(FILES.length - 1).waitFor();
  const rows = await page.locator('#inst-table tbody tr').allInnerTexts();
  assert.equal(rows.length, FILES.length);
  await page.waitForFunction(() => [...document.querySelectorAll('#inst-table tbody tr')].every((r) => /forwarded/.test((r as HTMLElement).innerText)), null, { timeout: 30_000 });
  const text = (await page.locator('#inst-table').innerText()).toLowerCase();
  for (const word of ['ct', 'mr']) assert.ok(text.includes(word), `modality ${word} listed`);
  assert.ok(!/anonymized|patient/i.test(await page.locator('#inst-table').innerText()), 'no patient data on the page');
  await page.screenshot({ path: path.join(artifacts, 'e2e-forwarded.png'), fullPage: true });
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow})`);
  await page.screenshot({ path: path.join(artifacts, 'e2e-360px.png'), fullPage: true });
  assert.equal(readdirSync(pacs.dir).length, FILES.length, 'storescp received every instance');
});

test('SIGTERM: the daemon exits 0', async () => {
  assert.equal((await daemon.stop()).code, 0);
});
