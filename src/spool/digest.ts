// Spool layer: the per-instance integrity digest, as a self-describing string "<algorithm>:<hex>".
// New records use CRC-32C (native, hardware-accelerated; docs/spool.md "Digest"); records committed by
// pacsgate before that carry a hex SHA-256 in `sha256`, which verification still checks.
import { createHash } from 'node:crypto';
import { crc32c } from '../native/binding.js';
import type { InstanceRecord } from './types.js';

export const DIGEST_ALGORITHMS = ['crc32c', 'sha256'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** An incremental digest over the dataset bytes of one instance. */
export interface Digest {
  update(bytes: Uint8Array): void;
  /** "<algorithm>:<lower-case hex>"; call once, after the last update. */
  digest(): string;
}

/** The digest string of a finished CRC-32C value: "crc32c:" and 8 lower-case hex digits. */
export function crc32cDigestString(crc: number): string {
  return `crc32c:${crc.toString(16).padStart(8, '0')}`;
}

class Crc32cDigest implements Digest {
  private crc = 0;

  update(bytes: Uint8Array): void {
    this.crc = crc32c(bytes, this.crc);
  }

  digest(): string {
    return crc32cDigestString(this.crc);
  }
}

class Sha256Digest implements Digest {
  private readonly hash = createHash('sha256');

  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

export function createDigest(algorithm: DigestAlgorithm = 'crc32c'): Digest {
  return algorithm === 'sha256' ? new Sha256Digest() : new Crc32cDigest();
}

/** The record's digest string, also for records written before `digest` existed; undefined if none. */
export function recordDigest(record: Pick<InstanceRecord, 'digest' | 'sha256'>): string | undefined {
  if (record.digest) return record.digest;
  return record.sha256 ? `sha256:${record.sha256}` : undefined;
}

/** The algorithm named by a digest string, or undefined for one this version does not know. */
export function digestAlgorithm(digest: string): DigestAlgorithm | undefined {
  const algo = digest.slice(0, digest.indexOf(':'));
  return (DIGEST_ALGORITHMS as readonly string[]).includes(algo) ? (algo as DigestAlgorithm) : undefined;
}
