// What the SCP accepts, derived from the config (main-level wiring; pure functions).
// Transfer syntaxes: uncompressed first (forwardable anywhere without transcoding on a small box),
// then lossless compressed syntaxes we can decode, then everything else we store as received, so a
// modality is never refused needlessly (issue #3). Lossy syntaxes come after every lossless one, so a
// modality that offers both in one context is never asked to compress lossily.
import type { Config } from './config/types.js';
import { isStorageSopClass, VERIFICATION_SOP_CLASS, TRANSFER_SYNTAXES } from './dicom/uids.js';
import type { ScpPolicy } from './net/types.js';

const FIRST = [
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2', // Implicit VR Little Endian
  '1.2.840.10008.1.2.4.70', // JPEG Lossless SV1
  '1.2.840.10008.1.2.4.57', // JPEG Lossless
  '1.2.840.10008.1.2.5', // RLE Lossless
  '1.2.840.10008.1.2.1.99', // Deflated Explicit VR LE
  '1.2.840.10008.1.2.2', // Explicit VR Big Endian (retired)
  '1.2.840.10008.1.2.4.80', // JPEG-LS Lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 Lossless
];

/** Every transfer syntax in the registry that carries a dataset, in acceptance order. */
export function defaultTransferSyntaxes(): string[] {
  const rest = TRANSFER_SYNTAXES
    .filter((t) => !FIRST.includes(t.uid) && !/RFC|XML|Referenced|SMPTE ST 2110/i.test(t.name) && !t.uid.startsWith('1.2.840.113619'))
    .map((t) => t.uid);
  return [...FIRST, ...rest];
}

export function scpPolicy(cfg: Config): ScpPolicy {
  const extra = new Set(cfg.dicom.extraSopClasses);
  return {
    aeTitle: cfg.aeTitle,
    calledAeCheck: cfg.dicom.calledAeCheck,
    allow: cfg.dicom.allow,
    maxAssociations: cfg.dicom.maxAssociations,
    maxAssociationsPerAe: cfg.dicom.maxAssociationsPerAe,
    maxPduLength: cfg.dicom.maxPduLength,
    idleTimeoutSeconds: cfg.dicom.idleTimeoutSeconds,
    artimTimeoutSeconds: cfg.dicom.artimTimeoutSeconds,
    isAcceptableAbstractSyntax: (uid) => uid === VERIFICATION_SOP_CLASS || isStorageSopClass(uid) || extra.has(uid),
    transferSyntaxPreference: cfg.dicom.transferSyntaxes.length ? cfg.dicom.transferSyntaxes : defaultTransferSyntaxes(),
  };
}
