// net/dimse layer: splits outgoing DIMSE messages into P-DATA-TF PDUs no longer than the peer's
// Maximum Length (PS3.8 Annex D.1, §9.3.5; PS3.7 Annex E.2 control header). Produces Buffer lists
// (headers + views of the caller's buffers); writing them is the DUL's job.
import { PDV_COMMAND, PDV_HEADER_LENGTH, PDV_LAST } from '../pdu/constants.js';
import { pDataHeaders } from '../pdu/codec.js';

/** When the peer sets no limit (0), we still cut at this size. */
export const UNLIMITED_PDU_CUT = 1024 * 1024;

/** Largest PDV value that fits one P-DATA-TF of `maxPdu` with a single PDV. */
export function maxPdvData(peerMaxPdu: number): number {
  const max = peerMaxPdu > 0 ? peerMaxPdu : UNLIMITED_PDU_CUT;
  return Math.max(1, max - PDV_HEADER_LENGTH);
}

function pdu(contextId: number, control: number, slices: readonly Buffer[], length: number): Buffer[] {
  return [pDataHeaders(length, contextId, control), ...slices];
}

/** The command set as one or more P-DATA-TF PDUs (one PDV each). */
export function commandPdus(contextId: number, command: Buffer, peerMaxPdu: number): Buffer[][] {
  const max = maxPdvData(peerMaxPdu);
  const out: Buffer[][] = [];
  for (let pos = 0; pos < command.length || out.length === 0; pos += max) {
    const part = command.subarray(pos, pos + max);
    const last = pos + max >= command.length;
    out.push(pdu(contextId, PDV_COMMAND | (last ? PDV_LAST : 0), [part], part.length));
  }
  return out;
}

const EMPTY = Buffer.alloc(0);

/**
 * Cuts a data set of unknown length, pushed chunk by chunk, into P-DATA-TF PDUs of at most
 * `peerMaxPdu`, synchronously. A full PDV is held back until more bytes arrive, so the last-fragment
 * flag (PS3.8 Annex E.2) is always right. The PDUs hold views of the chunks, not copies.
 */
export class DatasetFramer {
  private readonly max: number;
  private pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(private readonly contextId: number, peerMaxPdu: number) {
    this.max = maxPdvData(peerMaxPdu);
  }

  /** Appends the PDUs that `chunk` completes to `out`, with their PDV value lengths to `lengths`. */
  push(chunk: Buffer, out: Buffer[][], lengths: number[]): void {
    let c = chunk;
    while (c.length > 0) {
      if (this.pendingLength === this.max) {
        out.push(pdu(this.contextId, 0, this.pending, this.pendingLength));
        lengths.push(this.pendingLength);
        this.pending = [];
        this.pendingLength = 0;
      }
      const take = Math.min(c.length, this.max - this.pendingLength);
      this.pending.push(take === c.length ? c : c.subarray(0, take));
      this.pendingLength += take;
      c = take === c.length ? EMPTY : c.subarray(take);
    }
  }

  /** The last PDU (last-fragment flag set), possibly with an empty PDV; the framer is spent after. */
  finish(): Buffer[] {
    const last = pdu(this.contextId, PDV_LAST, this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    return last;
  }
}
