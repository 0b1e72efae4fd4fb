// One test per (state, event) cell of PS3.8 Table 9-10. LEGAL is written out here, independently of
// src/net/dul/table.ts, from the standard: "Evt Sta action" for every non-empty cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StateMachine } from '../../../../src/net/dul/fsm.js';
import { EVENTS, STATES, TRANSITION_TABLE, type DulEvent, type State } from '../../../../src/net/dul/table.js';
import type { DulPort, EventPayload, Indication } from '../../../../src/net/dul/actions.js';
import type { ControlPdu } from '../../../../src/net/pdu/types.js';

const LEGAL_TEXT = `
Evt1 Sta1 AE-1
Evt2 Sta4 AE-2
Evt3 Sta2 AA-1 | Evt3 Sta3 AA-8 | Evt3 Sta5 AE-3 | Evt3 Sta6 AA-8 | Evt3 Sta7 AA-8 | Evt3 Sta8 AA-8 | Evt3 Sta9 AA-8
Evt3 Sta10 AA-8 | Evt3 Sta11 AA-8 | Evt3 Sta12 AA-8 | Evt3 Sta13 AA-6
Evt4 Sta2 AA-1 | Evt4 Sta3 AA-8 | Evt4 Sta5 AE-4 | Evt4 Sta6 AA-8 | Evt4 Sta7 AA-8 | Evt4 Sta8 AA-8 | Evt4 Sta9 AA-8
Evt4 Sta10 AA-8 | Evt4 Sta11 AA-8 | Evt4 Sta12 AA-8 | Evt4 Sta13 AA-6
Evt5 Sta1 AE-5
Evt6 Sta2 AE-6 | Evt6 Sta3 AA-8 | Evt6 Sta5 AA-8 | Evt6 Sta6 AA-8 | Evt6 Sta7 AA-8 | Evt6 Sta8 AA-8 | Evt6 Sta9 AA-8
Evt6 Sta10 AA-8 | Evt6 Sta11 AA-8 | Evt6 Sta12 AA-8 | Evt6 Sta13 AA-7
Evt7 Sta3 AE-7
Evt8 Sta3 AE-8
Evt9 Sta6 DT-1 | Evt9 Sta8 AR-7
Evt10 Sta2 AA-1 | Evt10 Sta3 AA-8 | Evt10 Sta5 AA-8 | Evt10 Sta6 DT-2 | Evt10 Sta7 AR-6 | Evt10 Sta8 AA-8 | Evt10 Sta9 AA-8
Evt10 Sta10 AA-8 | Evt10 Sta11 AA-8 | Evt10 Sta12 AA-8 | Evt10 Sta13 AA-6
Evt11 Sta6 AR-1
Evt12 Sta2 AA-1 | Evt12 Sta3 AA-8 | Evt12 Sta5 AA-8 | Evt12 Sta6 AR-2 | Evt12 Sta7 AR-8 | Evt12 Sta8 AA-8 | Evt12 Sta9 AA-8
Evt12 Sta10 AA-8 | Evt12 Sta11 AA-8 | Evt12 Sta12 AA-8 | Evt12 Sta13 AA-6
Evt13 Sta2 AA-1 | Evt13 Sta3 AA-8 | Evt13 Sta5 AA-8 | Evt13 Sta6 AA-8 | Evt13 Sta7 AR-3 | Evt13 Sta8 AA-8 | Evt13 Sta9 AA-8
Evt13 Sta10 AR-10 | Evt13 Sta11 AR-3 | Evt13 Sta12 AA-8 | Evt13 Sta13 AA-6
Evt14 Sta8 AR-4 | Evt14 Sta9 AR-9 | Evt14 Sta12 AR-4
Evt15 Sta3 AA-1 | Evt15 Sta4 AA-2 | Evt15 Sta5 AA-1 | Evt15 Sta6 AA-1 | Evt15 Sta7 AA-1 | Evt15 Sta8 AA-1 | Evt15 Sta9 AA-1
Evt15 Sta10 AA-1 | Evt15 Sta11 AA-1 | Evt15 Sta12 AA-1
Evt16 Sta2 AA-2 | Evt16 Sta3 AA-3 | Evt16 Sta5 AA-3 | Evt16 Sta6 AA-3 | Evt16 Sta7 AA-3 | Evt16 Sta8 AA-3 | Evt16 Sta9 AA-3
Evt16 Sta10 AA-3 | Evt16 Sta11 AA-3 | Evt16 Sta12 AA-3 | Evt16 Sta13 AA-2
Evt17 Sta2 AA-5 | Evt17 Sta3 AA-4 | Evt17 Sta4 AA-4 | Evt17 Sta5 AA-4 | Evt17 Sta6 AA-4 | Evt17 Sta7 AA-4 | Evt17 Sta8 AA-4
Evt17 Sta9 AA-4 | Evt17 Sta10 AA-4 | Evt17 Sta11 AA-4 | Evt17 Sta12 AA-4 | Evt17 Sta13 AR-5
Evt18 Sta2 AA-2 | Evt18 Sta13 AA-2
Evt19 Sta2 AA-1 | Evt19 Sta3 AA-8 | Evt19 Sta5 AA-8 | Evt19 Sta6 AA-8 | Evt19 Sta7 AA-8 | Evt19 Sta8 AA-8 | Evt19 Sta9 AA-8
Evt19 Sta10 AA-8 | Evt19 Sta11 AA-8 | Evt19 Sta12 AA-8 | Evt19 Sta13 AA-7
`;

const LEGAL = new Map<string, string>();
for (const cell of LEGAL_TEXT.split(/[|\n]/).map((s) => s.trim()).filter(Boolean)) {
  const [e, s, a] = cell.split(/\s+/);
  LEGAL.set(`${e} ${s}`, a);
}

/** What each action does, per PS3.8 Tables 9-6..9-9: recorded port calls and next state (requestor side). */
const EFFECTS: Record<string, { calls: string[]; next: State }> = {
  'AE-1': { calls: ['connect'], next: 'Sta4' },
  'AE-2': { calls: ['send A-ASSOCIATE-RQ'], next: 'Sta5' },
  'AE-3': { calls: ['indicate associate-ac'], next: 'Sta6' },
  'AE-4': { calls: ['indicate associate-rj', 'closeTransport'], next: 'Sta1' },
  'AE-5': { calls: ['startArtim'], next: 'Sta2' },
  'AE-6': { calls: ['stopArtim', 'indicate associate-rq'], next: 'Sta3' },
  'AE-7': { calls: ['send A-ASSOCIATE-AC'], next: 'Sta6' },
  'AE-8': { calls: ['send A-ASSOCIATE-RJ', 'startArtim'], next: 'Sta13' },
  'DT-1': { calls: ['sendData'], next: 'Sta6' },
  'DT-2': { calls: ['indicate p-data'], next: 'Sta6' },
  'AR-1': { calls: ['send A-RELEASE-RQ'], next: 'Sta7' },
  'AR-2': { calls: ['indicate release-rq'], next: 'Sta8' },
  'AR-3': { calls: ['indicate release-confirm', 'closeTransport'], next: 'Sta1' },
  'AR-4': { calls: ['send A-RELEASE-RP', 'startArtim'], next: 'Sta13' },
  'AR-5': { calls: ['stopArtim'], next: 'Sta1' },
  'AR-6': { calls: ['indicate p-data'], next: 'Sta7' },
  'AR-7': { calls: ['sendData'], next: 'Sta8' },
  'AR-8': { calls: ['indicate release-rq'], next: 'Sta9' },
  'AR-9': { calls: ['send A-RELEASE-RP'], next: 'Sta11' },
  'AR-10': { calls: ['indicate release-confirm'], next: 'Sta12' },
  'AA-1': { calls: ['send A-ABORT', 'startArtim'], next: 'Sta13' },
  'AA-2': { calls: ['stopArtim', 'closeTransport'], next: 'Sta1' },
  'AA-3': { calls: ['indicate abort', 'closeTransport'], next: 'Sta1' },
  'AA-4': { calls: ['indicate p-abort'], next: 'Sta1' },
  'AA-5': { calls: ['stopArtim'], next: 'Sta1' },
  'AA-6': { calls: [], next: 'Sta13' },
  'AA-7': { calls: ['send A-ABORT'], next: 'Sta13' },
  'AA-8': { calls: ['send A-ABORT', 'indicate p-abort', 'startArtim'], next: 'Sta13' },
};

const NAMES: Record<number, string> = { 1: 'A-ASSOCIATE-RQ', 2: 'A-ASSOCIATE-AC', 3: 'A-ASSOCIATE-RJ', 5: 'A-RELEASE-RQ', 6: 'A-RELEASE-RP', 7: 'A-ABORT' };

class FakePort implements DulPort {
  calls: string[] = [];
  sent: ControlPdu[] = [];
  indications: Indication[] = [];
  constructor(readonly isRequestor: boolean) {}
  connect() { this.calls.push('connect'); }
  send(p: ControlPdu) { this.calls.push(`send ${NAMES[p.type]}`); this.sent.push(p); }
  sendData() { this.calls.push('sendData'); }
  closeTransport() { this.calls.push('closeTransport'); }
  startArtim() { this.calls.push('startArtim'); }
  stopArtim() { this.calls.push('stopArtim'); }
  indicate(i: Indication) { this.calls.push(`indicate ${i.kind}`); this.indications.push(i); }
}

const ui = { roleSelections: [], extendedNegotiations: [], other: [] };
const RQ: ControlPdu = { type: 1, protocolVersion: 1, calledAe: 'A', callingAe: 'B', applicationContext: '1.2.840.10008.3.1.1.1', presentationContexts: [], userInfo: ui };
const AC: ControlPdu = { ...RQ, type: 2, presentationContexts: [] };
/** The parameters each event carries (the PDU received, or the one the user asks to send). */
const PAYLOAD: Partial<Record<DulEvent, EventPayload>> = {
  Evt2: { pdu: RQ }, Evt3: { pdu: AC }, Evt4: { pdu: { type: 3, result: 1, source: 1, reason: 1 } }, Evt6: { pdu: RQ },
  Evt7: { pdu: AC }, Evt8: { pdu: { type: 3, result: 1, source: 1, reason: 7 } }, Evt9: { data: [Buffer.alloc(1)] },
  Evt12: { pdu: { type: 5 } }, Evt13: { pdu: { type: 6 } }, Evt16: { pdu: { type: 7, source: 0, reason: 0 } }, Evt19: { reason: 1 },
};

test('the table in src has exactly the legal cells of PS3.8 Table 9-10', () => {
  const src = new Map<string, string>();
  for (const [e, row] of Object.entries(TRANSITION_TABLE)) for (const [s, a] of Object.entries(row)) src.set(`${e} ${s}`, a!);
  assert.deepEqual([...src.entries()].sort(), [...LEGAL.entries()].sort());
  assert.equal(LEGAL.size, 123);
});

for (const evt of Object.keys(EVENTS) as DulEvent[]) {
  for (const sta of Object.keys(STATES) as State[]) {
    const expected = LEGAL.get(`${evt} ${sta}`);
    test(`${sta} + ${evt} → ${expected ?? 'invalid'}`, () => {
      const port = new FakePort(true);
      const fsm = new StateMachine(port);
      fsm.state = sta;
      if (!expected) {
        assert.throws(() => fsm.handle(evt, PAYLOAD[evt]), { code: 'GW_ERR_DUL_INVALID_EVENT' });
        assert.equal(fsm.state, sta);
        assert.deepEqual(port.calls, []);
        return;
      }
      fsm.handle(evt, PAYLOAD[evt]);
      assert.equal(fsm.last?.action, expected);
      assert.equal(fsm.state, EFFECTS[expected].next);
      assert.deepEqual(port.calls, EFFECTS[expected].calls);
    });
  }
}

test('AR-8 on the acceptor side goes to Sta10 (release collision)', () => {
  const fsm = new StateMachine(new FakePort(false));
  fsm.state = 'Sta7';
  fsm.handle('Evt12', { pdu: { type: 5 } });
  assert.equal(fsm.state, 'Sta10');
});

test('AE-6 rejects an RQ without protocol version 1 (RJ permanent, source 2, reason 2) and starts ARTIM', () => {
  const port = new FakePort(false);
  const fsm = new StateMachine(port);
  fsm.state = 'Sta2';
  fsm.handle('Evt6', { pdu: { ...RQ, protocolVersion: 2 } as ControlPdu });
  assert.equal(fsm.state, 'Sta13');
  assert.deepEqual(port.sent, [{ type: 3, result: 1, source: 2, reason: 2 }]);
  assert.deepEqual(port.calls, ['stopArtim', 'send A-ASSOCIATE-RJ', 'startArtim']);
});

test('AA-8 sends A-ABORT with source 2 and the reason of the event', () => {
  const port = new FakePort(false);
  const fsm = new StateMachine(port);
  fsm.state = 'Sta6';
  fsm.handle('Evt19', { reason: 6 });
  assert.deepEqual(port.sent, [{ type: 7, source: 2, reason: 6 }]);
});

test('AA-3 with a provider-source A-ABORT issues A-P-ABORT', () => {
  const port = new FakePort(false);
  const fsm = new StateMachine(port);
  fsm.state = 'Sta6';
  fsm.handle('Evt16', { pdu: { type: 7, source: 2, reason: 1 } });
  assert.equal(port.indications[0].kind, 'p-abort');
});

test('an event raised from inside an indication runs after the current transition', () => {
  const port = new FakePort(false);
  const fsm = new StateMachine(port);
  port.indicate = (i) => {
    port.calls.push(`indicate ${i.kind}`);
    if (i.kind === 'associate-rq') fsm.handle('Evt7', { pdu: AC });
  };
  fsm.state = 'Sta2';
  fsm.handle('Evt6', { pdu: RQ });
  assert.equal(fsm.state, 'Sta6');
});
