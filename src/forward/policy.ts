// Forward layer: how delivery outcomes are classified (issue #4), and back-off with jitter.
// Pure functions; no I/O, no timers.
import { statusClass } from '../services/status-codes.js';

export type Outcome = 'delivered' | 'transient' | 'permanent';

/**
 * C-STORE-RSP status → outcome. Success and warnings (0001, Bxxx) count as delivered (the warning is
 * recorded); Refused: Out of Resources (A7xx), Processing failure (0110), Resource limitation (0213)
 * and Duplicate invocation (0210) are retried; everything else — Data Set does not match SOP Class
 * (A9xx), Cannot understand (Cxxx), SOP Class not supported (0122), Not authorized (0124), … — is
 * permanent (PS3.4 Table B.2-1, PS3.7 Annex C).
 */
export function classifyStoreStatus(status: number): Outcome {
  const c = statusClass(status);
  if (c !== 'failure') return 'delivered';
  if ((status & 0xff00) === 0xa700 || status === 0x0110 || status === 0x0213 || status === 0x0210) return 'transient';
  return 'permanent';
}

/** A-ASSOCIATE-RJ result 1 is permanent, 2 transient (PS3.8 Table 9-21). */
export function classifyRejection(result: number | undefined): Outcome {
  return result === 1 ? 'permanent' : 'transient';
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay randomised (0.2: ±20 %). */
  jitter: number;
}

/**
 * 2 s doubling to a 60 s cap: one probe a minute while a PACS is down, and a queue that starts to drain
 * at most ~72 s after it is back. (A 5 min cap made recovery after a 2 min outage take up to 2.5 min.)
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 60_000, jitter: 0.2 };

/** Exponential back-off: base · 2^(n−1), capped, with ±jitter (n ≥ 1 failures in a row). */
export function backoffDelay(failures: number, p: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const raw = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.max(0, Math.round(raw * (1 + p.jitter * (2 * random() - 1))));
}
