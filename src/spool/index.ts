// Spool layer public face: what the services, forward and web layers may import from the spool.
export { Spool, DEFAULT_CHUNK_SIZE, FS_RESERVE_BYTES } from './spool.js';
export type { SpoolWriter } from './writer.js';
export { backoffMs, type Delivery, type FailureInfo } from './queue.js';
export { MAX_DEFAULT_BYTES } from './max-bytes.js';
export { isLmdbCommitFailure } from './env.js';
export * from './types.js';
