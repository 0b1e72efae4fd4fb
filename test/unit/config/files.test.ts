import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFiles } from '../../../src/config/files.js';

const saved = '/var/lib/pacsgate/http/config.json';

test('a writable config file is loaded and saved to; the state copy is ignored', () => {
  assert.deepEqual(configFiles('/srv/pg.json', '/var/lib/pacsgate', () => true, () => true), { load: null, save: '/srv/pg.json' });
});

test('a read-only config file (packaged /etc under ProtectSystem=strict): saves go to the state dir, which wins once it exists', () => {
  assert.deepEqual(configFiles('/etc/pacsgate/config.json', '/var/lib/pacsgate', () => false, () => false), { load: null, save: saved });
  assert.deepEqual(configFiles('/etc/pacsgate/config.json', '/var/lib/pacsgate', () => false, (f) => f === saved), { load: saved, save: saved });
});

test('no config file: the state copy when present', () => {
  assert.deepEqual(configFiles(null, '/var/lib/pacsgate', () => true, () => false), { load: null, save: saved });
  assert.deepEqual(configFiles(null, '/var/lib/pacsgate', () => true, () => true), { load: saved, save: saved });
});
