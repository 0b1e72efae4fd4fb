// net/pdu layer: the decoded shapes of the seven PDUs and their items (PS3.8 §9.3).
// Plain data only; encoding and decoding live in codec.ts and items.ts.

export interface PresentationContextRq {
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}

export interface PresentationContextAc {
  id: number;
  /** PS3.8 Table 9-18 (PC_RESULT). */
  result: number;
  /** Only meaningful when result is acceptance (PS3.8 §9.3.3.2: otherwise not tested). */
  transferSyntax: string;
}

/** PS3.7 Annex D.3.3.4, SCP/SCU Role Selection: 1 = role supported/proposed. */
export interface RoleSelection {
  sopClassUid: string;
  scuRole: number;
  scpRole: number;
}

/** PS3.7 Annex D.3.3.5: service-class-application-information kept as bytes. */
export interface ExtendedNegotiation {
  sopClassUid: string;
  info: Buffer;
}

/** PS3.7 Annex D.3.3.7.1. */
export interface UserIdentityRq {
  identityType: number;
  positiveResponseRequested: boolean;
  primaryField: Buffer;
  secondaryField: Buffer;
}

export interface UserInformation {
  /** PS3.8 Annex D.1: 0 = no limit. */
  maxLength?: number;
  implementationClassUid?: string;
  implementationVersionName?: string;
  asyncOperationsWindow?: { invoked: number; performed: number };
  roleSelections: RoleSelection[];
  extendedNegotiations: ExtendedNegotiation[];
  userIdentityRq?: UserIdentityRq;
  userIdentityAc?: { serverResponse: Buffer };
  /** Sub-items we do not interpret (e.g. 0x57, or unknown types): kept raw, re-encoded verbatim. */
  other: Array<{ type: number; value: Buffer }>;
}

export interface AssociateRq {
  type: 0x01;
  protocolVersion: number;
  calledAe: string;
  callingAe: string;
  applicationContext: string;
  presentationContexts: PresentationContextRq[];
  userInfo: UserInformation;
}

export interface AssociateAc {
  type: 0x02;
  protocolVersion: number;
  calledAe: string;
  callingAe: string;
  applicationContext: string;
  presentationContexts: PresentationContextAc[];
  userInfo: UserInformation;
}

export interface AssociateRj {
  type: 0x03;
  result: number;
  source: number;
  reason: number;
}

export interface Pdv {
  contextId: number;
  /** Message control header, PS3.8 Annex E.2 (PDV_COMMAND | PDV_LAST). */
  control: number;
  data: Buffer;
}

export interface PDataTf {
  type: 0x04;
  pdvs: Pdv[];
}

export interface ReleaseRq {
  type: 0x05;
}
export interface ReleaseRp {
  type: 0x06;
}
export interface Abort {
  type: 0x07;
  source: number;
  reason: number;
}

export type Pdu = AssociateRq | AssociateAc | AssociateRj | PDataTf | ReleaseRq | ReleaseRp | Abort;
/** PDUs the reader assembles whole (everything but P-DATA-TF, which it streams). */
export type ControlPdu = Exclude<Pdu, PDataTf>;

export function emptyUserInformation(): UserInformation {
  return { roleSelections: [], extendedNegotiations: [], other: [] };
}
