// net layer: what both association roles share — the DIMSE send path (command, then data set,
// fragmented to the peer's Maximum Length with socket back-pressure) and association ids.
// No policy and no services here.
import { randomBytes } from 'node:crypto';
import { encodeCommandSet, type CommandSet } from '../dicom/command-set.js';
import { ERROR_CODES, GatewayError } from '../errors.js';
import type { DulSocket } from './dul/socket-adapter.js';
import { commandPdus, datasetPdus } from './dimse/fragment.js';

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

  private async sendPdu(parts: Buffer[]): Promise<void> {
    if (!this.canSend()) throw new GatewayError(ERROR_CODES.ASSOC_ABORTED, `association is not in data transfer (${this.dul.state})`);
    if (!this.dul.sendPData(parts)) await this.dul.drained();
  }

  /** @throws GatewayError GW_ERR_ASSOC_ABORTED when the association left data transfer. */
  async sendCommand(contextId: number, cmd: CommandSet): Promise<void> {
    for (const p of commandPdus(contextId, encodeCommandSet(cmd), this.peerMaxPdu)) await this.sendPdu(p);
  }

  /** Streams a data set; awaits socket drain between PDUs (never buffers more than one PDU ahead). */
  async sendDataset(contextId: number, source: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
    for await (const p of datasetPdus(contextId, source, this.peerMaxPdu)) await this.sendPdu(p);
  }
}
