// services layer: C-ECHO SCU (Verification, PS3.4 Annex A): one association, one C-ECHO, release.
// The C-ECHO SCP answer lives in the net layer (it needs no service state).
import type { Logger } from '../log.js';
import { openAssociation } from '../net/scu.js';
import { VERIFICATION_SOP_CLASS } from '../net/dimse/messages.js';

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

export interface EchoOptions {
  host: string;
  port: number;
  calledAe: string;
  callingAe: string;
  timeoutMs: number;
  log: Logger;
}

export interface EchoResult {
  status: number;
  /** C-ECHO-RQ sent → C-ECHO-RSP received. */
  roundTripMs: number;
  /** TCP connect + A-ASSOCIATE negotiation. */
  associateMs: number;
}

/**
 * @throws GatewayError GW_ERR_CONNECT, GW_ERR_TIMEOUT, GW_ERR_ASSOC_REJECTED, GW_ERR_ASSOC_ABORTED,
 *   GW_ERR_ASSOC_STATE (Verification not accepted).
 */
export async function echoPeer(o: EchoOptions): Promise<EchoResult> {
  const t0 = performance.now();
  const assoc = await openAssociation({
    host: o.host,
    port: o.port,
    callingAe: o.callingAe,
    calledAe: o.calledAe,
    contexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [EXPLICIT_LE, IMPLICIT_LE] }],
    connectTimeoutMs: o.timeoutMs,
    artimTimeoutMs: o.timeoutMs,
    log: o.log,
  });
  try {
    const t1 = performance.now();
    const status = await assoc.echo(o.timeoutMs);
    const t2 = performance.now();
    await assoc.release();
    return { status, roundTripMs: t2 - t1, associateMs: t1 - t0 };
  } catch (err) {
    assoc.abort();
    throw err;
  }
}
