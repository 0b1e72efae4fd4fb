// net/acse layer: presentation context and user-information negotiation for the acceptor
// (PS3.8 §9.3.3, PS3.7 Annex D.3.3). Pure functions; the policy decides what is acceptable.
import { DICOM_APPLICATION_CONTEXT, PC_RESULT, PROTOCOL_VERSION } from '../pdu/constants.js';
import {
  emptyUserInformation,
  type AssociateAc,
  type AssociateRq,
  type PresentationContextAc,
  type PresentationContextRq,
  type RoleSelection,
  type UserInformation,
} from '../pdu/types.js';
import type { ScpPolicy } from '../types.js';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './identity.js';

/** One proposed context → its result: first of OUR preference list the peer proposed (PS3.8 §9.3.3.2). */
export function negotiateContext(pc: PresentationContextRq, policy: Pick<ScpPolicy, 'isAcceptableAbstractSyntax' | 'transferSyntaxPreference'>): PresentationContextAc {
  const fallbackTs = pc.transferSyntaxes[0] ?? '';
  // PS3.8 §9.3.2.2: context IDs are odd integers 1..255.
  if (pc.id % 2 === 0) return { id: pc.id, result: PC_RESULT.NO_REASON, transferSyntax: fallbackTs };
  if (!policy.isAcceptableAbstractSyntax(pc.abstractSyntax))
    return { id: pc.id, result: PC_RESULT.ABSTRACT_SYNTAX_NOT_SUPPORTED, transferSyntax: fallbackTs };
  const ts = policy.transferSyntaxPreference.find((t) => pc.transferSyntaxes.includes(t));
  if (ts === undefined) return { id: pc.id, result: PC_RESULT.TRANSFER_SYNTAXES_NOT_SUPPORTED, transferSyntax: fallbackTs };
  return { id: pc.id, result: PC_RESULT.ACCEPTANCE, transferSyntax: ts };
}

/**
 * PS3.7 Annex D.3.3.4: we act as SCP only on inbound associations. For each proposed role item of an
 * accepted abstract syntax: the peer may be SCU if it proposed so; it may never be SCP here.
 */
export function answerRoles(proposed: readonly RoleSelection[], acceptedAbstract: ReadonlySet<string>): RoleSelection[] {
  return proposed.filter((r) => acceptedAbstract.has(r.sopClassUid)).map((r) => ({ sopClassUid: r.sopClassUid, scuRole: r.scuRole ? 1 : 0, scpRole: 0 }));
}

export interface Negotiated {
  ac: AssociateAc;
  contexts: PresentationContextAc[];
}

/** Builds the A-ASSOCIATE-AC for an RQ that passed checkAssociateRq. */
export function negotiateAssociation(rq: AssociateRq, policy: ScpPolicy): Negotiated {
  const contexts = rq.presentationContexts.map((pc) => negotiateContext(pc, policy));
  const accepted = new Set(
    rq.presentationContexts.filter((_, i) => contexts[i].result === PC_RESULT.ACCEPTANCE).map((pc) => pc.abstractSyntax),
  );
  const userInfo: UserInformation = {
    ...emptyUserInformation(),
    maxLength: policy.maxPduLength,
    implementationClassUid: IMPLEMENTATION_CLASS_UID,
    implementationVersionName: IMPLEMENTATION_VERSION_NAME,
    roleSelections: answerRoles(rq.userInfo.roleSelections, accepted),
  };
  // One operation at a time: if the peer asks for a window, answer 1/1 (PS3.7 D.3.3.3).
  if (rq.userInfo.asyncOperationsWindow) userInfo.asyncOperationsWindow = { invoked: 1, performed: 1 };
  const ac: AssociateAc = {
    type: 0x02,
    protocolVersion: PROTOCOL_VERSION,
    calledAe: rq.calledAe,
    callingAe: rq.callingAe,
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: contexts,
    userInfo,
  };
  return { ac, contexts };
}
