// net/pdu layer: the PS3.8 code tables as data (PDU types, item types, reject and abort codes).
// No logic and no I/O here; other modules look names up in these tables.

/** PS3.8 §9.3.1, Table 9-11 (PDU types). */
export const PDU_TYPE = {
  A_ASSOCIATE_RQ: 0x01,
  A_ASSOCIATE_AC: 0x02,
  A_ASSOCIATE_RJ: 0x03,
  P_DATA_TF: 0x04,
  A_RELEASE_RQ: 0x05,
  A_RELEASE_RP: 0x06,
  A_ABORT: 0x07,
} as const;
export type PduType = (typeof PDU_TYPE)[keyof typeof PDU_TYPE];

/** Names used in logs (PS3.8 words). */
export const PDU_NAME: Record<number, string> = {
  0x01: 'A-ASSOCIATE-RQ',
  0x02: 'A-ASSOCIATE-AC',
  0x03: 'A-ASSOCIATE-RJ',
  0x04: 'P-DATA-TF',
  0x05: 'A-RELEASE-RQ',
  0x06: 'A-RELEASE-RP',
  0x07: 'A-ABORT',
};

/** Item and sub-item types: PS3.8 Tables 9-12..9-20, PS3.8 Annex D, PS3.7 Annex D.3.3. */
export const ITEM_TYPE = {
  APPLICATION_CONTEXT: 0x10,
  PRESENTATION_CONTEXT_RQ: 0x20,
  PRESENTATION_CONTEXT_AC: 0x21,
  ABSTRACT_SYNTAX: 0x30,
  TRANSFER_SYNTAX: 0x40,
  USER_INFORMATION: 0x50,
  MAXIMUM_LENGTH: 0x51,
  IMPLEMENTATION_CLASS_UID: 0x52,
  ASYNC_OPERATIONS_WINDOW: 0x53,
  ROLE_SELECTION: 0x54,
  IMPLEMENTATION_VERSION_NAME: 0x55,
  SOP_CLASS_EXTENDED_NEGOTIATION: 0x56,
  SOP_CLASS_COMMON_EXTENDED_NEGOTIATION: 0x57,
  USER_IDENTITY_RQ: 0x58,
  USER_IDENTITY_AC: 0x59,
} as const;

/** The DICOM Application Context Name, PS3.7 Annex A.2.1. */
export const DICOM_APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

/** PS3.8 §9.3.2: bit 0 of the Protocol-version field is version 1. */
export const PROTOCOL_VERSION = 0x0001;

/** PS3.8 §9.3.3.2, Table 9-18: presentation context result/reason. */
export const PC_RESULT = {
  ACCEPTANCE: 0,
  USER_REJECTION: 1,
  NO_REASON: 2,
  ABSTRACT_SYNTAX_NOT_SUPPORTED: 3,
  TRANSFER_SYNTAXES_NOT_SUPPORTED: 4,
} as const;

/** PS3.8 §9.3.4, Table 9-21: A-ASSOCIATE-RJ result, source and reason. */
export const RJ_RESULT = { PERMANENT: 1, TRANSIENT: 2 } as const;
export const RJ_SOURCE = { USER: 1, PROVIDER_ACSE: 2, PROVIDER_PRESENTATION: 3 } as const;
export const RJ_REASON_USER = {
  NO_REASON: 1,
  APPLICATION_CONTEXT_NOT_SUPPORTED: 2,
  CALLING_AE_NOT_RECOGNIZED: 3,
  CALLED_AE_NOT_RECOGNIZED: 7,
} as const;
export const RJ_REASON_ACSE = { NO_REASON: 1, PROTOCOL_VERSION_NOT_SUPPORTED: 2 } as const;
export const RJ_REASON_PRESENTATION = { TEMPORARY_CONGESTION: 1, LOCAL_LIMIT_EXCEEDED: 2 } as const;

/** PS3.8 §9.3.8, Table 9-26: A-ABORT source and (provider) reason. */
export const ABORT_SOURCE = { USER: 0, PROVIDER: 2 } as const;
export const ABORT_REASON = {
  NOT_SPECIFIED: 0,
  UNRECOGNIZED_PDU: 1,
  UNEXPECTED_PDU: 2,
  UNRECOGNIZED_PDU_PARAMETER: 4,
  UNEXPECTED_PDU_PARAMETER: 5,
  INVALID_PDU_PARAMETER_VALUE: 6,
} as const;
export type AbortReason = (typeof ABORT_REASON)[keyof typeof ABORT_REASON];

/** PS3.8 Annex E.2: message control header bits of a PDV. */
export const PDV_COMMAND = 0x01;
export const PDV_LAST = 0x02;

/** Header sizes: PDU header (type, reserved, 4-byte length); PDV item header (4-byte length, context, control). */
export const PDU_HEADER_LENGTH = 6;
export const PDV_HEADER_LENGTH = 6;
