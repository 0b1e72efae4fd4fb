// net/acse layer: association acceptance policy (PS3.8 §9.3.4, Table 9-21 reject reasons).
// Pure functions over the A-ASSOCIATE-RQ and the policy; no sockets, no logging, no state.
import type { AllowEntry } from '../../config/types.js';
import {
  DICOM_APPLICATION_CONTEXT,
  RJ_REASON_PRESENTATION,
  RJ_REASON_USER,
  RJ_RESULT,
  RJ_SOURCE,
} from '../pdu/constants.js';
import type { AssociateRj, AssociateRq } from '../pdu/types.js';
import type { ScpPolicy } from '../types.js';

export interface LoadSnapshot {
  /** Associations currently established or being negotiated (not counting this one). */
  total: number;
  /** The same, from this calling AE title. */
  fromCallingAe: number;
}

export interface Rejection {
  rj: AssociateRj;
  /** Short stable words for the log line and the association event. */
  why: string;
}

function rj(result: number, source: number, reason: number, why: string): Rejection {
  return { rj: { type: 0x03, result, source, reason }, why };
}

/** Normalises an IPv4-mapped IPv6 address ('::ffff:127.0.0.1' → '127.0.0.1'). */
export function plainAddress(addr: string): string {
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

export function isCallerAllowed(allow: readonly AllowEntry[], callingAe: string, peerAddress: string): boolean {
  if (allow.length === 0) return true;
  const ip = plainAddress(peerAddress);
  return allow.some((e) => (e.aeTitle === '*' || e.aeTitle === callingAe) && (e.host === undefined || plainAddress(e.host) === ip));
}

/** Returns null to accept, or the A-ASSOCIATE-RJ to send. Checks in PS3.8 Table 9-21 order of gravity. */
export function checkAssociateRq(rq: AssociateRq, policy: ScpPolicy, peerAddress: string, load: LoadSnapshot): Rejection | null {
  if (rq.applicationContext !== DICOM_APPLICATION_CONTEXT)
    return rj(RJ_RESULT.PERMANENT, RJ_SOURCE.USER, RJ_REASON_USER.APPLICATION_CONTEXT_NOT_SUPPORTED, 'application context not supported');
  if (policy.calledAeCheck === 'strict' && rq.calledAe !== policy.aeTitle)
    return rj(RJ_RESULT.PERMANENT, RJ_SOURCE.USER, RJ_REASON_USER.CALLED_AE_NOT_RECOGNIZED, 'called AE title not recognized');
  if (!isCallerAllowed(policy.allow, rq.callingAe, peerAddress))
    return rj(RJ_RESULT.PERMANENT, RJ_SOURCE.USER, RJ_REASON_USER.CALLING_AE_NOT_RECOGNIZED, 'calling AE title not recognized');
  if (load.total >= policy.maxAssociations || load.fromCallingAe >= policy.maxAssociationsPerAe)
    return rj(RJ_RESULT.TRANSIENT, RJ_SOURCE.PROVIDER_PRESENTATION, RJ_REASON_PRESENTATION.LOCAL_LIMIT_EXCEEDED, 'local limit exceeded');
  return null;
}
