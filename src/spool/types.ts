// Spool layer: the shapes stored in LMDB and handed to callers. Pure types and constants; no I/O here,
// and nothing from the network, service or forward layers.
import type { Logger } from '../log.js';

export interface SpoolOptions {
  /** Directory of the LMDB environment (created with mkdir -p). */
  dir: string;
  /** Size limit for stored dataset bytes; null: the persisted value, else 80 % of free space, max 64 GiB. */
  maxBytes: number | null;
  log: Logger;
  /** Bytes per stored chunk (every LMDB value is at most this). Default 256 KiB. */
  chunkSize?: number;
  /** Keep a fully delivered instance this long before deleting it. Default 0 (delete at once). */
  retentionMs?: number;
  /** Run verify() during open and log what it finds. Default false. */
  verifyOnOpen?: boolean;
  /**
   * A lone sender's synchronous commit (docs/spool.md "Lone sender") slower than this blocks the event
   * loop too long: commits then go through the group commit for SLOW_SYNC_HOLD_MS. Default 50 ms.
   */
  slowSyncMs?: number;
}

export interface InstanceInfo {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntax: string;
  callingAe: string;
  calledAe: string;
  peer: string;
  /** When known up front (e.g. from a file size), a too-large instance is refused before any byte is written. */
  expectedBytes?: number;
}

export interface InstanceAttrs {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  modality?: string;
}

export interface InstanceRecord {
  /** Monotonically increasing in order of arrival (commit order of beginInstance), never reused. */
  id: number;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  modality?: string;
  transferSyntax: string;
  /** Dataset bytes stored. */
  bytes: number;
  /** Number of chunks ([id, 0] … [id, chunks-1] in the `chunks` db). */
  chunks: number;
  /**
   * Integrity digest of the dataset bytes, "<algorithm>:<hex>": "crc32c:…" for every record this
   * version writes (src/spool/digest.ts). Absent only in records written before it existed.
   */
  digest?: string;
  /** Hex SHA-256 of the dataset bytes: records written before `digest` existed (still verified). */
  sha256?: string;
  callingAe: string;
  calledAe: string;
  peer: string;
  /** ISO 8601. */
  receivedAt: string;
  destinations: string[];
}

export const DELIVERY_STATES = ['queued', 'sending', 'forwarded', 'dead'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Queue entry and delivery ledger for one (destination, instance). Times are epoch milliseconds. */
export interface QueueEntry {
  destination: string;
  id: number;
  state: DeliveryState;
  attempts: number;
  queuedAt: number;
  nextAttemptAt: number;
  lastStatus?: number;
  lastError?: string;
  negotiatedTransferSyntax?: string;
  firstAttemptAt?: number;
  lastAttemptAt?: number;
  forwardedAt?: number;
  /** Set when an operator discarded a dead entry (state stays 'dead' in the ledger). */
  discardedAt?: number;
}

export interface QueueItem {
  record: InstanceRecord;
  entry: QueueEntry;
}

export interface SpoolStats {
  bytesUsed: number;
  bytesMax: number;
  instances: number;
  /** Entries waiting or in flight ('queued' + 'sending') per destination. */
  queued: Record<string, number>;
}

export interface SpoolHealth {
  writable: boolean;
  full: boolean;
  reason?: string;
}

export interface VerifyReport {
  instances: number;
  bytes: number;
  problems: Array<{ id: number; problem: string }>;
}
