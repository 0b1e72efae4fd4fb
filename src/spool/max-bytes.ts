// Spool layer: decides the spool's size limit (CONTRACT.md "Settings": 80 % of the free space of the
// spool's file system at first start, at most 64 GiB). Reads the file system; never writes LMDB.
import { statfsSync } from 'node:fs';

export const MAX_DEFAULT_BYTES = 64 * 1024 ** 3;
export const FREE_SPACE_SHARE = 0.8;

/** Bytes available to an unprivileged writer on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * The option when set; else the value persisted at first start; else 80 % of free space, capped at 64 GiB.
 * Returns the limit and whether it must be persisted (it differs from what is stored).
 */
export function decideMaxBytes(
  option: number | null,
  persisted: number | undefined,
  dir: string,
): { maxBytes: number; source: 'option' | 'persisted' | 'free-space' } {
  if (option !== null) return { maxBytes: option, source: 'option' };
  if (persisted !== undefined) return { maxBytes: persisted, source: 'persisted' };
  const share = Math.floor(freeBytes(dir) * FREE_SPACE_SHARE);
  return { maxBytes: Math.min(share, MAX_DEFAULT_BYTES), source: 'free-space' };
}
