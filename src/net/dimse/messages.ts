// net/dimse layer: builders for the command sets we send (PS3.7 §9.3.1 C-STORE, §9.3.5 C-ECHO).
// Pure; status decisions belong to the caller.
import { COMMAND_FIELD, DATASET_PRESENT, NO_DATASET, type CommandSet } from '../../dicom/command-set.js';

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

export function echoRq(messageId: number, sopClassUid = VERIFICATION_SOP_CLASS): CommandSet {
  return { commandField: COMMAND_FIELD.C_ECHO_RQ, affectedSopClassUid: sopClassUid, messageId, commandDataSetType: NO_DATASET };
}

export function echoRsp(rq: CommandSet, status: number): CommandSet {
  return {
    commandField: COMMAND_FIELD.C_ECHO_RSP,
    affectedSopClassUid: rq.affectedSopClassUid ?? VERIFICATION_SOP_CLASS,
    messageIdBeingRespondedTo: rq.messageId ?? 0,
    commandDataSetType: NO_DATASET,
    status,
  };
}

export interface StoreRqFields {
  messageId: number;
  sopClassUid: string;
  sopInstanceUid: string;
  /** PS3.7 §9.1.1.1.9: 0 medium, 1 high, 2 low. */
  priority?: number;
  moveOriginatorAe?: string;
  moveOriginatorMessageId?: number;
}

export function storeRq(f: StoreRqFields): CommandSet {
  const c: CommandSet = {
    commandField: COMMAND_FIELD.C_STORE_RQ,
    affectedSopClassUid: f.sopClassUid,
    messageId: f.messageId,
    priority: f.priority ?? 0,
    commandDataSetType: DATASET_PRESENT,
    affectedSopInstanceUid: f.sopInstanceUid,
  };
  if (f.moveOriginatorAe !== undefined) c.moveOriginatorAe = f.moveOriginatorAe;
  if (f.moveOriginatorMessageId !== undefined) c.moveOriginatorMessageId = f.moveOriginatorMessageId;
  return c;
}

export function storeRsp(rq: CommandSet, status: number, errorComment?: string, offendingElements?: number[]): CommandSet {
  const c: CommandSet = {
    commandField: COMMAND_FIELD.C_STORE_RSP,
    affectedSopClassUid: rq.affectedSopClassUid ?? '',
    messageIdBeingRespondedTo: rq.messageId ?? 0,
    commandDataSetType: NO_DATASET,
    status,
    affectedSopInstanceUid: rq.affectedSopInstanceUid ?? '',
  };
  // PS3.7 §9.1.1.1: Error Comment is LO, at most 64 characters.
  if (errorComment) c.errorComment = errorComment.slice(0, 64);
  if (offendingElements?.length) c.offendingElement = offendingElements;
  return c;
}

/** Response to a request we do not implement: same command field with the response bit (PS3.7 §9.3). */
export function unsupportedRsp(rq: CommandSet, status: number): CommandSet {
  return {
    commandField: rq.commandField | 0x8000,
    affectedSopClassUid: rq.affectedSopClassUid,
    messageIdBeingRespondedTo: rq.messageId ?? 0,
    commandDataSetType: NO_DATASET,
    status,
  };
}
