import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, statSync, chmodSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { saveConfig, diffConfig, writeFileAtomic } from '../../../src/config/save.js';
import { loadConfig } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { validateConfig } from '../../../src/config/schema.js';

const saveModule = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/config/save.js')).href;

function doc(): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { source: _s, ...d } = defaultConfig();
  return structuredClone(d);
}

test('saveConfig writes a document loadConfig reads back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-save-'));
  const file = path.join(dir, 'c.json');
  const d = doc();
  d.aeTitle = 'SAVED';
  d.destinations = [{ name: 'pacs', aeTitle: 'PACS', host: '10.1.1.1', port: 104 }];
  const cfg = await saveConfig(file, d);
  assert.equal(cfg.source.file, file);
  const back = loadConfig({ file, env: {} });
  assert.equal(back.aeTitle, 'SAVED');
  assert.deepEqual(back.destinations, cfg.destinations);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'a new file is private (it may hold the metrics token)');
});

test('an invalid document throws GW_ERR_CONFIG with the key and leaves the file alone', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-save-'));
  const file = path.join(dir, 'c.json');
  writeFileSync(file, 'old\n');
  const d = doc();
  d.dicom.port = 70000;
  await assert.rejects(saveConfig(file, d), { code: 'GW_ERR_CONFIG', key: 'dicom.port' });
  assert.equal(readFileSync(file, 'utf8'), 'old\n');
  assert.deepEqual(readdirSync(dir), ['c.json'], 'no temp file left behind');
});

test('writeFileAtomic keeps the mode of the file it replaces', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-save-'));
  const file = path.join(dir, 'c.json');
  writeFileSync(file, '{}');
  chmodSync(file, 0o640);
  await writeFileAtomic(file, '{"a":1}');
  assert.equal(statSync(file).mode & 0o777, 0o640);
  assert.equal(readFileSync(file, 'utf8'), '{"a":1}');
});

test('diffConfig: AE title, ports, spool dir and retention and http need a restart; the rest is live', () => {
  const a = validateConfig(doc(), { file: null });
  const d = doc();
  d.aeTitle = 'OTHER';
  d.dicom.port = 104;
  d.spool.dir = '/srv/spool';
  d.spool.maxBytes = 1 << 30;
  d.spool.retentionSeconds = 3600;
  d.http.port = 9090;
  d.dicom.allow = [{ aeTitle: 'CT1' }];
  d.destinations = [{ name: 'p', aeTitle: 'P', host: 'h', port: 1 }];
  d.routes = [{ destinations: ['p'] }];
  const r = diffConfig(a, validateConfig(d, { file: null }));
  assert.deepEqual(r.restart.sort(), ['aeTitle', 'dicom.port', 'http.port', 'spool.dir', 'spool.retentionSeconds']);
  assert.deepEqual(r.live.sort(), ['destinations', 'dicom.allow', 'routes', 'spool.maxBytes']);
  assert.deepEqual(diffConfig(a, a), { live: [], restart: [] });
});

/**
 * A child saves two large documents alternately as fast as it can; we SIGKILL it at a random
 * moment. Whatever is on disk must parse and be exactly one of the two documents.
 */
test('SIGKILL during repeated saves leaves the old or the new file, never a torn one', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-save-kill-'));
  const file = path.join(dir, 'config.json');
  const docs = ['A', 'B'].map((tag) => {
    const d = doc();
    d.aeTitle = `GATE${tag}`;
    // ~60 kB: many write() calls' worth, so a non-atomic writer would be caught mid-file.
    d.destinations = Array.from({ length: 400 }, (_, i) => ({ name: `${tag.toLowerCase()}${i}`, aeTitle: `AE${tag}${i}`, host: `host-${tag}-${i}.example`, port: 1 + i }));
    return d;
  });
  const expected = await Promise.all(docs.map(async (d, i) => {
    const f = path.join(dir, `expected-${i}.json`);
    await saveConfig(f, d);
    return readFileSync(f, 'utf8');
  }));
  await saveConfig(file, docs[0]);
  const script = `
    import { saveConfig } from ${JSON.stringify(saveModule)};
    const docs = JSON.parse(process.argv[2]);
    const file = process.argv[1];
    let n = 0;
    for (;;) { await saveConfig(file, docs[n % 2]); if (++n === 3) process.stdout.write('go\\n'); }
  `;
  let sawB = false;
  for (let round = 0; round < 12; round++) {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, file, JSON.stringify(docs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 60)));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const text = readFileSync(file, 'utf8');
    assert.ok(text === expected[0] || text === expected[1], `round ${round}: torn or foreign content (${text.length} bytes)`);
    sawB ||= text === expected[1];
  }
  assert.ok(sawB, 'the child did replace the file at least once');
  // A later save sweeps the temp files killed writers left behind.
  await saveConfig(file, docs[0]);
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.tmp-')), []);
});
