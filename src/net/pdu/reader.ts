// net/pdu layer: the framing reader. Fed socket chunks, it yields whole control PDUs and, for
// P-DATA-TF, PDV value slices that are subarrays of the input Buffers (never concatenated). A caller
// that reuses its input Buffer calls detach() before overwriting it.
// It holds no socket and no state machine: a protocol violation becomes an 'error' event.
import { ABORT_REASON, PDU_HEADER_LENGTH, PDU_NAME, PDU_TYPE, PDV_HEADER_LENGTH, type AbortReason } from './constants.js';
import { decodeControlPdu } from './codec.js';
import { PduFormatError } from './bytes.js';
import type { ControlPdu } from './types.js';

/** Tolerance over our advertised maximum for incoming P-DATA-TF: some peers overshoot slightly. */
export const PDATA_TOLERANCE = 64 * 1024;
/** Cap for any non-P-DATA PDU (A-ASSOCIATE-RQ with hundreds of contexts stays far below). */
export const MAX_CONTROL_PDU = 1024 * 1024;

export type ReaderEvent =
  | { type: 'pdu'; pdu: ControlPdu }
  /** A P-DATA-TF header was read (DUL Evt10); its PDVs follow as 'pdv' events, then 'data-end'. */
  | { type: 'data-start'; length: number }
  /** Part of one PDV's value. `first`/`end`: first and last slice of this PDV item. */
  | { type: 'pdv'; contextId: number; control: number; data: Buffer; first: boolean; end: boolean }
  | { type: 'data-end' }
  /** The peer broke the framing (DUL Evt19); `reason` is the A-ABORT provider reason. */
  | { type: 'error'; reason: AbortReason; message: string };

type Phase = 'pdu-header' | 'control-body' | 'pdv-header' | 'pdv-data' | 'dead';

export interface PduReaderOptions {
  /** The Maximum Length we advertised (PS3.8 Annex D.1); 0 = none (then a 16 MiB cap applies). */
  maxPduLength: number;
}

export class PduReader {
  private chunks: Buffer[] = [];
  private offset = 0; // into chunks[0]
  private phase: Phase = 'pdu-header';
  private header = Buffer.alloc(PDU_HEADER_LENGTH);
  private headerFill = 0;
  private body: Buffer = Buffer.alloc(0);
  private bodyFill = 0;
  private pduType = 0;
  private pduRemaining = 0;
  private pdvRemaining = 0;
  private pdvContext = 0;
  private pdvControl = 0;
  private pdvFirst = false;
  private readonly maxData: number;

  constructor(opts: PduReaderOptions) {
    this.maxData = (opts.maxPduLength > 0 ? opts.maxPduLength : 16 * 1024 * 1024) + PDATA_TOLERANCE;
  }

  push(chunk: Buffer): void {
    if (this.phase !== 'dead' && chunk.length > 0) this.chunks.push(chunk);
  }

  /**
   * Copies whatever the reader still holds of `borrowed`'s memory (the unconsumed rest of a read the
   * caller is about to overwrite), so that the caller may reuse it. Events already returned are not
   * covered: their `data` slices are valid until the next read only.
   */
  detach(borrowed: Buffer): void {
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (c.buffer !== borrowed.buffer) continue;
      this.chunks[i] = Buffer.from(i === 0 ? c.subarray(this.offset) : c);
      if (i === 0) this.offset = 0;
    }
  }

  /** True between PDUs: nothing partial is held (used to tell "stopped mid-PDU" apart). */
  get atBoundary(): boolean {
    return this.phase === 'pdu-header' && this.headerFill === 0 && this.chunks.length === 0;
  }

  /** Next event, or null when more input is needed. Returns no more events after an 'error'. */
  next(): ReaderEvent | null {
    for (;;) {
      switch (this.phase) {
        case 'dead':
          return null;
        case 'pdu-header': {
          if (!this.fill(this.header, PDU_HEADER_LENGTH)) return null;
          const ev = this.startPdu();
          if (ev) return ev;
          break;
        }
        case 'control-body': {
          if (!this.fill(this.body, this.body.length)) return null;
          return this.finishControl();
        }
        case 'pdv-header': {
          if (this.pduRemaining === 0) {
            this.phase = 'pdu-header';
            return { type: 'data-end' };
          }
          if (this.pduRemaining < PDV_HEADER_LENGTH) return this.fail(ABORT_REASON.INVALID_PDU_PARAMETER_VALUE, 'PDV item header crosses the end of the P-DATA-TF PDU');
          if (!this.fill(this.header, PDV_HEADER_LENGTH)) return null;
          const ev = this.startPdv();
          if (ev) return ev;
          break;
        }
        case 'pdv-data':
          return this.slice();
      }
    }
  }

  private startPdu(): ReaderEvent | null {
    this.headerFill = 0;
    this.pduType = this.header[0];
    const length = this.header.readUInt32BE(2);
    if (!(this.pduType in PDU_NAME)) return this.fail(ABORT_REASON.UNRECOGNIZED_PDU, `unrecognized PDU type 0x${this.pduType.toString(16)}`);
    if (this.pduType === PDU_TYPE.P_DATA_TF) {
      // PS3.8 Annex D.1: a P-DATA-TF may not exceed the Maximum Length we advertised.
      if (length > this.maxData) return this.fail(ABORT_REASON.INVALID_PDU_PARAMETER_VALUE, `P-DATA-TF length ${length} over the limit ${this.maxData}`);
      this.pduRemaining = length;
      this.phase = 'pdv-header';
      return { type: 'data-start', length };
    }
    if (length > MAX_CONTROL_PDU) return this.fail(ABORT_REASON.INVALID_PDU_PARAMETER_VALUE, `${PDU_NAME[this.pduType]} length ${length} over the limit ${MAX_CONTROL_PDU}`);
    this.body = Buffer.allocUnsafe(length);
    this.bodyFill = 0;
    this.phase = 'control-body';
    return null;
  }

  private finishControl(): ReaderEvent {
    this.phase = 'pdu-header';
    try {
      return { type: 'pdu', pdu: decodeControlPdu(this.pduType, this.body) };
    } catch (err) {
      if (err instanceof PduFormatError) return this.fail(err.reason, `${PDU_NAME[this.pduType]}: ${err.message}`);
      throw err;
    }
  }

  private startPdv(): ReaderEvent | null {
    this.headerFill = 0;
    const itemLength = this.header.readUInt32BE(0);
    this.pduRemaining -= PDV_HEADER_LENGTH;
    // PS3.8 §9.3.5.1: item length covers context ID + control header + value; items fill the PDU.
    if (itemLength < 2 || itemLength - 2 > this.pduRemaining)
      return this.fail(ABORT_REASON.INVALID_PDU_PARAMETER_VALUE, `PDV item length ${itemLength} does not fit the P-DATA-TF PDU`);
    this.pdvContext = this.header[4];
    this.pdvControl = this.header[5];
    this.pdvRemaining = itemLength - 2;
    this.pduRemaining -= this.pdvRemaining;
    this.pdvFirst = true;
    this.phase = 'pdv-data';
    if (this.pdvRemaining === 0) return this.pdvEvent(Buffer.alloc(0));
    return null;
  }

  private slice(): ReaderEvent | null {
    const head = this.chunks[0];
    if (!head) return null;
    const n = Math.min(head.length - this.offset, this.pdvRemaining);
    const data = head.subarray(this.offset, this.offset + n);
    this.advance(n);
    this.pdvRemaining -= n;
    return this.pdvEvent(data);
  }

  private pdvEvent(data: Buffer): ReaderEvent {
    const end = this.pdvRemaining === 0;
    const ev: ReaderEvent = { type: 'pdv', contextId: this.pdvContext, control: this.pdvControl, data, first: this.pdvFirst, end };
    this.pdvFirst = false;
    if (end) this.phase = 'pdv-header';
    return ev;
  }

  /** Copies into `target` until `want` bytes are there (header or small body); false when input ran out. */
  private fill(target: Buffer, want: number): boolean {
    let have = target === this.body ? this.bodyFill : this.headerFill;
    while (have < want) {
      const head = this.chunks[0];
      if (!head) break;
      const n = Math.min(head.length - this.offset, want - have);
      head.copy(target, have, this.offset, this.offset + n);
      have += n;
      this.advance(n);
    }
    if (target === this.body) this.bodyFill = have;
    else this.headerFill = have;
    return have === want;
  }

  private advance(n: number): void {
    this.offset += n;
    if (this.offset >= this.chunks[0].length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }

  private fail(reason: AbortReason, message: string): ReaderEvent {
    this.phase = 'dead';
    this.chunks = [];
    return { type: 'error', reason, message };
  }
}
