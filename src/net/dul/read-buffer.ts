// net/dul layer: socket reads into one Buffer per connection, reused for every read. Node's default
// read path allocates a fresh 64 KiB Buffer per read(); at hundreds of MB/s that is garbage the GC
// and glibc must return, and a 512 KiB instance costs eight reads, eight callbacks and eight rounds of
// PDV events. Node has a reused-buffer mode (net.connect's documented `onread` option); net.Server
// offers no option for it, so for accepted sockets it is switched on here through the same slots
// net.Socket's constructor fills for `onread` (its symbols `kBuffer`/`kBufferCb` and the handle's
// `useUserBuffer`). Where a Node version lacks them, installReadBuffer returns false and the caller
// keeps 'data' events. Imports nothing from the project.
import type { Socket } from 'node:net';

/** Bytes per read for an association that receives data sets (the SCP side): two 128 KiB PDUs. */
export const ACCEPTOR_READ_BYTES = 256 * 1024;
/** Bytes per read for the requestor side, which receives only responses (Node's own read size). */
export const REQUESTOR_READ_BYTES = 64 * 1024;

/** Called with the bytes of one read, `buffer.subarray(0, n)`; they are overwritten by the next read. */
export type ReadCallback = (bytes: Buffer) => void;

interface UserBufferHandle {
  reading?: boolean;
  useUserBuffer?: (buf: Uint8Array) => void;
}

function slot(socket: Socket, name: string): symbol | undefined {
  return Object.getOwnPropertySymbols(socket).find((s) => s.description === name);
}

/**
 * Makes `socket` read into `buffer` and hand each read to `onRead` instead of emitting 'data'. The
 * socket must not be reading yet: accepted with `pauseOnConnect`, or still connecting. Call
 * socket.resume() afterwards to start (pause()/resume() keep working as back-pressure; 'end', 'close'
 * and 'error' are emitted as usual). Returns false, changing nothing, when this Node lacks the slots
 * or the socket is already reading.
 */
export function installReadBuffer(socket: Socket, buffer: Buffer, onRead: ReadCallback): boolean {
  const kBuffer = slot(socket, 'kBuffer');
  const kBufferCb = slot(socket, 'kBufferCb');
  const handle = (socket as unknown as { _handle?: UserBufferHandle | null })._handle;
  if (!kBuffer || !kBufferCb || !handle || typeof handle.useUserBuffer !== 'function' || handle.reading) return false;
  const slots = socket as unknown as Record<symbol, unknown>;
  slots[kBuffer] = buffer;
  // Node calls this from onStreamRead with the byte count; returning false would stop reading, so
  // nothing is returned: back-pressure goes through socket.pause().
  slots[kBufferCb] = (n: number, buf: Buffer): void => {
    onRead(buf.subarray(0, n));
  };
  handle.useUserBuffer(buffer);
  return true;
}
