import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeInstance } from '../../../src/forward/routing.js';
import type { DestinationConfig } from '../../../src/config/types.js';

const dest = (name: string): DestinationConfig => ({ name, aeTitle: name.toUpperCase(), host: '127.0.0.1', port: 104, callingAeTitle: 'PACSGATE', maxPduLength: 65536, transferSyntaxes: [], concurrency: 1 });
const facts = { callingAeTitle: 'CT_SCANNER1', calledAeTitle: 'PACSGATE', modality: 'CT', sopClassUid: '1.2.840.10008.5.1.4.1.1.2' };

test('no routes: every destination', () => {
  assert.deepEqual(routeInstance({ routes: [], destinations: [dest('a'), dest('b')] }, facts), ['a', 'b']);
  assert.deepEqual(routeInstance({ routes: [], destinations: [] }, facts), []);
});

test('routes match by calling AE, called AE, modality and SOP class with wildcards; union, no duplicates', () => {
  const cfg = {
    destinations: [dest('main'), dest('ct'), dest('mr'), dest('other')],
    routes: [
      { destinations: ['main'] },
      { destinations: ['ct', 'main'], modality: 'CT', callingAeTitle: 'CT_*' },
      { destinations: ['mr'], modality: 'MR' },
      { destinations: ['other'], sopClassUid: '1.2.840.10008.5.1.4.1.1.?' , calledAeTitle: 'ARCHIVE' },
    ],
  };
  assert.deepEqual(routeInstance(cfg, facts), ['main', 'ct']);
  assert.deepEqual(routeInstance(cfg, { ...facts, modality: 'MR' }), ['main', 'mr']);
  assert.deepEqual(routeInstance(cfg, { ...facts, calledAeTitle: 'ARCHIVE', sopClassUid: '1.2.840.10008.5.1.4.1.1.7' }), ['main', 'ct', 'other']);
  assert.deepEqual(routeInstance({ ...cfg, routes: cfg.routes.slice(2) }, facts), []);
  assert.deepEqual(routeInstance(cfg, { ...facts, callingAeTitle: 'X.CT_1' }).includes('ct'), false, 'regex metacharacters are literal');
});
