import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAssociateRq, isCallerAllowed } from '../../../../src/net/acse/accept.js';
import { negotiateAssociation, negotiateContext } from '../../../../src/net/acse/negotiate.js';
import type { AssociateRq } from '../../../../src/net/pdu/types.js';
import { testPolicy, TS } from '../../../helpers/net.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const rq = (over: Partial<AssociateRq> = {}): AssociateRq => ({
  type: 1, protocolVersion: 1, calledAe: 'PACSGATE', callingAe: 'MODALITY', applicationContext: '1.2.840.10008.3.1.1.1',
  presentationContexts: [{ id: 1, abstractSyntax: CT, transferSyntaxes: [TS.IMPLICIT_LE, TS.EXPLICIT_LE] }],
  userInfo: { roleSelections: [], extendedNegotiations: [], other: [], maxLength: 16384 }, ...over,
});
const idle = { total: 0, fromCallingAe: 0 };

test('accepts a plain RQ', () => {
  assert.equal(checkAssociateRq(rq(), testPolicy(), '127.0.0.1', idle), null);
});

test('wrong application context → permanent, user, reason 2', () => {
  assert.deepEqual(checkAssociateRq(rq({ applicationContext: '1.2.3' }), testPolicy(), '127.0.0.1', idle)?.rj, { type: 3, result: 1, source: 1, reason: 2 });
});

test("called AE 'strict' → reason 7; 'any' accepts", () => {
  assert.deepEqual(checkAssociateRq(rq({ calledAe: 'OTHER' }), testPolicy({ calledAeCheck: 'strict' }), '127.0.0.1', idle)?.rj, { type: 3, result: 1, source: 1, reason: 7 });
  assert.equal(checkAssociateRq(rq({ calledAe: 'OTHER' }), testPolicy({ calledAeCheck: 'any' }), '127.0.0.1', idle), null);
});

test('calling AE allow-list with optional IP → reason 3', () => {
  const allow = [{ aeTitle: 'CT1' }, { aeTitle: 'MR1', host: '10.0.0.5' }];
  assert.equal(isCallerAllowed(allow, 'CT1', '::ffff:192.168.1.1'), true);
  assert.equal(isCallerAllowed(allow, 'MR1', '::ffff:10.0.0.5'), true);
  assert.equal(isCallerAllowed(allow, 'MR1', '10.0.0.6'), false);
  assert.equal(isCallerAllowed([{ aeTitle: '*', host: '127.0.0.1' }], 'ANY', '127.0.0.1'), true);
  assert.deepEqual(checkAssociateRq(rq(), testPolicy({ allow }), '127.0.0.1', idle)?.rj, { type: 3, result: 1, source: 1, reason: 3 });
});

test('limits: total and per calling AE → transient, source 3, reason 2', () => {
  const p = testPolicy({ maxAssociations: 2, maxAssociationsPerAe: 1 });
  assert.deepEqual(checkAssociateRq(rq(), p, '127.0.0.1', { total: 2, fromCallingAe: 0 })?.rj, { type: 3, result: 2, source: 3, reason: 2 });
  assert.deepEqual(checkAssociateRq(rq(), p, '127.0.0.1', { total: 1, fromCallingAe: 1 })?.rj, { type: 3, result: 2, source: 3, reason: 2 });
  assert.equal(checkAssociateRq(rq(), p, '127.0.0.1', { total: 1, fromCallingAe: 0 }), null);
});

test('transfer syntax: first of OUR preference the peer proposed; else 4; abstract refused → 3; even id → 2', () => {
  const p = testPolicy({ isAcceptableAbstractSyntax: (u) => u === CT });
  assert.deepEqual(negotiateContext({ id: 1, abstractSyntax: CT, transferSyntaxes: [TS.IMPLICIT_LE, TS.EXPLICIT_LE] }, p), { id: 1, result: 0, transferSyntax: TS.EXPLICIT_LE });
  assert.equal(negotiateContext({ id: 3, abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.4.50'] }, p).result, 4);
  assert.equal(negotiateContext({ id: 5, abstractSyntax: '1.2.3', transferSyntaxes: [TS.IMPLICIT_LE] }, p).result, 3);
  assert.equal(negotiateContext({ id: 6, abstractSyntax: CT, transferSyntaxes: [TS.IMPLICIT_LE] }, p).result, 2);
});

test('AC: our max PDU, implementation identity, role selection answered, async window 1/1', () => {
  const r = rq({ userInfo: { roleSelections: [{ sopClassUid: CT, scuRole: 1, scpRole: 1 }, { sopClassUid: '1.9', scuRole: 1, scpRole: 0 }], extendedNegotiations: [], other: [], asyncOperationsWindow: { invoked: 5, performed: 5 } } });
  const { ac } = negotiateAssociation(r, testPolicy({ maxPduLength: 65536 }));
  assert.equal(ac.userInfo.maxLength, 65536);
  assert.ok(ac.userInfo.implementationClassUid?.startsWith('2.25.'));
  assert.deepEqual(ac.userInfo.roleSelections, [{ sopClassUid: CT, scuRole: 1, scpRole: 0 }]);
  assert.deepEqual(ac.userInfo.asyncOperationsWindow, { invoked: 1, performed: 1 });
  assert.equal(ac.calledAe, 'PACSGATE');
});
