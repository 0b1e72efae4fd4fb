import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { parsePeer } from '../../../src/config/schema.js';

test('embedded defaults match CONTRACT.md', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.aeTitle, 'PACSGATE');
  assert.equal(c.dicom.host, '0.0.0.0');
  assert.equal(c.dicom.port, 11112);
  assert.deepEqual({ host: c.http.host, port: c.http.port }, { host: '127.0.0.1', port: 8080 });
  assert.equal(c.http.login, 'auto');
  assert.deepEqual(c.http.open, ['/healthz', '/readyz', '/metrics']);
  assert.equal(c.spool.dir, './var/spool');
  assert.equal(c.spool.maxBytes, null);
  assert.deepEqual(c.destinations, []);
  assert.equal(c.log.level, 'info');
  assert.ok(c.dicom.maxPduLength >= 128 * 1024);
});

test('file overrides defaults and environment overrides the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-cfg-'));
  const file = path.join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ aeTitle: 'FROMFILE', dicom: { port: 104 }, log: { level: 'debug' } }));
  const a = loadConfig({ file, env: {} });
  assert.equal(a.aeTitle, 'FROMFILE');
  assert.equal(a.dicom.port, 104);
  assert.equal(a.dicom.host, '0.0.0.0');
  assert.equal(a.source.file, file);
  const b = loadConfig({
    env: {
      PACSGATE_CONFIG: file, PACSGATE_AE_TITLE: 'ENVAE', PACSGATE_DICOM_PORT: '0', PACSGATE_HTTP_HOST: '::1',
      PACSGATE_HTTP_PORT: '9000', PACSGATE_SPOOL_DIR: '/tmp/s', PACSGATE_SPOOL_MAX_BYTES: '10485760',
      PACSGATE_LOG_LEVEL: 'warn', PACSGATE_DESTINATION: 'ORTHANC@127.0.0.1:4242',
    },
  });
  assert.equal(b.aeTitle, 'ENVAE');
  assert.equal(b.dicom.port, 0);
  assert.deepEqual({ host: b.http.host, port: b.http.port }, { host: '::1', port: 9000 });
  assert.deepEqual(b.spool, { dir: '/tmp/s', maxBytes: 10485760, retentionSeconds: 0 });
  assert.equal(b.log.level, 'warn');
  assert.equal(b.destinations.length, 1);
  assert.deepEqual(
    { ...b.destinations[0] },
    { name: 'default', aeTitle: 'ORTHANC', host: '127.0.0.1', port: 4242, callingAeTitle: 'ENVAE', maxPduLength: 262144, transferSyntaxes: [], concurrency: 1 },
  );
});

test('invalid values name the key, the expectation and the value', () => {
  const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
    [{ PACSGATE_DICOM_PORT: 'abc' }, /PACSGATE_DICOM_PORT: expected a non-negative integer, found "abc"/],
    [{ PACSGATE_DICOM_PORT: '70000' }, /dicom\.port: expected a TCP port/],
    [{ PACSGATE_AE_TITLE: 'THIS_TITLE_IS_TOO_LONG' }, /aeTitle: expected an AE title/],
    [{ PACSGATE_LOG_LEVEL: 'loud' }, /log\.level: expected fatal, error/],
    [{ PACSGATE_DESTINATION: 'nohost' }, /PACSGATE_DESTINATION: expected AET@HOST:PORT/],
  ];
  for (const [env, re] of cases) {
    assert.throws(() => loadConfig({ env }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'GW_ERR_CONFIG');
      assert.match(err.message, re);
      return true;
    });
  }
});

test('config file errors: unknown key, bad JSON, missing file, unknown route destination', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-cfg-'));
  const write = (name: string, text: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  assert.throws(() => loadConfig({ file: write('a.json', '{"dicom":{"prot":1}}'), env: {} }), /dicom\.prot: expected one of/);
  assert.throws(() => loadConfig({ file: write('b.json', '{oops'), env: {} }), /config file: expected valid JSON/);
  assert.throws(() => loadConfig({ file: path.join(dir, 'missing.json'), env: {} }), /expected a readable file, found .*ENOENT/);
  assert.throws(
    () => loadConfig({ file: write('c.json', '{"routes":[{"destinations":["pacs"]}]}'), env: {} }),
    /routes\[0\]\.destinations\[0\]: expected a configured destination/,
  );
});

test('parsePeer accepts AET@HOST:PORT including IPv6 literals', () => {
  assert.deepEqual(parsePeer('x', 'ORTHANC@localhost:4242'), { aeTitle: 'ORTHANC', host: 'localhost', port: 4242 });
  assert.deepEqual(parsePeer('x', 'A@[::1]:104'), { aeTitle: 'A', host: '::1', port: 104 });
  assert.throws(() => parsePeer('x', '@h:1'), { code: 'GW_ERR_CONFIG' });
});

test('spool.retentionSeconds: 0 by default, read from the file, checked', () => {
  assert.equal(loadConfig({ env: {} }).spool.retentionSeconds, 0);
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-cfg-'));
  const write = (name: string, text: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const c = loadConfig({ file: write('r.json', '{"spool":{"retentionSeconds":86400}}'), env: {} });
  assert.deepEqual(c.spool, { dir: './var/spool', maxBytes: null, retentionSeconds: 86400 });
  assert.throws(() => loadConfig({ file: write('n.json', '{"spool":{"retentionSeconds":-1}}'), env: {} }), /spool\.retentionSeconds: expected an integer/);
  assert.throws(() => loadConfig({ file: write('s.json', '{"spool":{"retentionSeconds":"1d"}}'), env: {} }), /spool\.retentionSeconds/);
});
