import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArtimTimer } from '../../../../src/net/dul/artim.js';
import { StateMachine } from '../../../../src/net/dul/fsm.js';
import type { DulPort } from '../../../../src/net/dul/actions.js';

test('ARTIM fires once after its timeout, not before', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let fired = 0;
  const a = new ArtimTimer(30000, () => fired++);
  a.start();
  t.mock.timers.tick(29999);
  assert.equal(fired, 0);
  t.mock.timers.tick(1);
  assert.equal(fired, 1);
  assert.equal(a.running, false);
  t.mock.timers.tick(60000);
  assert.equal(fired, 1);
});

test('ARTIM restart (AA-1) pushes the deadline; stop cancels it', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let fired = 0;
  const a = new ArtimTimer(1000, () => fired++);
  a.start();
  t.mock.timers.tick(900);
  a.start();
  t.mock.timers.tick(900);
  assert.equal(fired, 0);
  t.mock.timers.tick(100);
  assert.equal(fired, 1);
  a.start();
  a.stop();
  t.mock.timers.tick(5000);
  assert.equal(fired, 1);
});

test('Sta2 with a silent peer: ARTIM expiry (Evt18) closes the transport (AA-2) → Sta1', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const calls: string[] = [];
  let fsm!: StateMachine;
  const artim = new ArtimTimer(5000, () => fsm.handle('Evt18'));
  const port: DulPort = {
    isRequestor: false,
    connect() {}, send() {}, sendData() {}, indicate() {},
    closeTransport: () => calls.push('close'),
    startArtim: () => artim.start(),
    stopArtim: () => artim.stop(),
  };
  fsm = new StateMachine(port);
  fsm.handle('Evt5');
  assert.equal(fsm.state, 'Sta2');
  t.mock.timers.tick(4999);
  assert.equal(fsm.state, 'Sta2');
  t.mock.timers.tick(1);
  assert.equal(fsm.state, 'Sta1');
  assert.deepEqual(calls, ['close']);
});

test('Sta13 after A-ASSOCIATE-RJ: ARTIM expiry closes a transport the peer left open', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const calls: string[] = [];
  let fsm!: StateMachine;
  const artim = new ArtimTimer(2000, () => fsm.handle('Evt18'));
  const port: DulPort = {
    isRequestor: false,
    connect() {}, send: (p) => calls.push(`send ${p.type}`), sendData() {}, indicate() {},
    closeTransport: () => calls.push('close'),
    startArtim: () => artim.start(),
    stopArtim: () => artim.stop(),
  };
  fsm = new StateMachine(port);
  fsm.state = 'Sta3';
  fsm.handle('Evt8', { pdu: { type: 3, result: 1, source: 1, reason: 7 } });
  assert.equal(fsm.state, 'Sta13');
  t.mock.timers.tick(2000);
  assert.equal(fsm.state, 'Sta1');
  assert.deepEqual(calls, ['send 3', 'close']);
});
