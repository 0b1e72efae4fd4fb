// net layer: what both association roles share — the DIMSE send path (command, then data set,
// fragmented to the peer's Maximum Length with socket back-pressure) and association ids.
// No policy and no services here.
import { randomBytes } from 'node:crypto';
import { encodeCommandSet, type CommandSet } from '../dicom/command-set.js';
import { ERROR_CODES, GatewayError } from '../errors.js';
import type { DulSocket } from './dul/socket-adapter.js';
import { commandPdus, DatasetFramer } from './dimse/fragment.js';

/**
 * Data set PDUs are written in groups of about this many bytes, corked into one writev: with a peer
 * that takes 16 KiB PDUs (DCMTK's default) that is one system call per 256 KiB instead of sixteen.
 */
export const SEND_BATCH_BYTES = 256 * 1024;

/** Short random id bound into every log line of one association. */
export function newAssociationId(): string {
  return randomBytes(4).toString('hex');
}

/** Sends DIMSE messages over one DUL; each PDU goes out only in a state where P-DATA is legal. */
export class DimseSender {
  constructor(private readonly dul: DulSocket, private readonly peerMaxPdu: number) {}

  canSend(): boolean {
    return this.dul.fsm.can('Evt9');
  }

  /** @throws GatewayError GW_ERR_ASSOC_ABORTED when the association left data transfer. */
  async sendCommand(contextId: number, cmd: CommandSet): Promise<void> {
    await this.sendPdus(commandPdus(contextId, encodeCommandSet(cmd), this.peerMaxPdu));
  }

  /**
   * Several PDUs as one P-DATA request (Evt9), written in one corked write. Evt9's actions (DT-1 in
   * Sta6, AR-7 in Sta8: PS3.8 §9.2, Table 9-10) send the PDU and keep the state, and nothing can
   * change the state while the parts are written, so one event for the group puts the same bytes on
   * the wire as one per PDU, without a state machine step for each 16 KiB.
   */
  private async sendPdus(pdus: Buffer[][]): Promise<void> {
    if (!this.canSend()) throw new GatewayError(ERROR_CODES.ASSOC_ABORTED, `association is not in data transfer (${this.dul.state})`);
    const parts: Buffer[] = [];
    for (const pdu of pdus) for (const part of pdu) parts.push(part);
    if (!this.dul.sendPData(parts)) await this.dul.drained();
  }

  /**
   * Streams a data set in groups of SEND_BATCH_BYTES, awaiting socket drain between groups: never more
   * than one group ahead of the socket (its PDUs are views of the source's buffers, not copies).
   * Whenever the socket has nothing left to write after a group, `onReleased(n)` says that the first
   * n bytes of the data set are with the kernel, so a source may reuse their buffers at once.
   * Resolves once every byte is with the kernel, so all of the source's buffers are free again.
   */
  async sendDataset(contextId: number, source: AsyncIterable<Buffer> | Iterable<Buffer>, onReleased?: (bytes: number) => void): Promise<void> {
    // Framed synchronously chunk by chunk (no promise per PDU); the next chunk is pulled only once the
    // PDUs before it are grouped or written.
    const framer = new DatasetFramer(contextId, this.peerMaxPdu);
    const framed: Buffer[][] = [];
    const lengths: number[] = []; // PDV value bytes of each PDU in `framed` (headers not counted)
    let group: Buffer[][] = [];
    let bytes = 0; // data set bytes in `group`
    let sent = 0; // data set bytes in the groups written so far
    for await (const chunk of source) {
      framer.push(chunk, framed, lengths);
      for (let i = 0; i < framed.length; i++) {
        group.push(framed[i]);
        bytes += lengths[i];
        if (bytes >= SEND_BATCH_BYTES) {
          await this.sendPdus(group);
          sent += bytes;
          group = [];
          bytes = 0;
          if (onReleased && this.dul.allWritten()) onReleased(sent);
        }
      }
      framed.length = 0;
      lengths.length = 0;
    }
    group.push(framer.finish());
    await this.sendPdus(group);
    // The source may reuse its buffers once this resolves (forwarding lends pooled ones).
    await this.dul.flushed();
  }
}
