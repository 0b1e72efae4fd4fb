// net/dimse layer: turns PDV slices into DIMSE messages (PS3.8 Annex E.2, PS3.7 §6.3.1): the command
// set is assembled (small, capped), the data set is passed on slice by slice, never accumulated.
// It knows nothing of sockets or services; a peer's violation comes back as an 'error' output.
import { decodeCommandSet, hasDataset, MAX_COMMAND_LENGTH, type CommandSet } from '../../dicom/command-set.js';
import { GatewayError } from '../../errors.js';
import { PDV_COMMAND, PDV_LAST } from '../pdu/constants.js';

export interface PdvSlice {
  contextId: number;
  control: number;
  data: Buffer;
  /** Last slice of this PDV item. */
  end: boolean;
}

export type AssemblerOutput =
  | { kind: 'none' }
  | { kind: 'command'; contextId: number; command: CommandSet; datasetFollows: boolean }
  /** A slice of the data set; `last` is set on the final slice of the final fragment. */
  | { kind: 'data'; contextId: number; chunk: Buffer; last: boolean }
  | { kind: 'error'; message: string };

type Phase = { name: 'idle' } | { name: 'command'; contextId: number } | { name: 'dataset'; contextId: number };

const NONE: AssemblerOutput = { kind: 'none' };

export class MessageAssembler {
  private phase: Phase = { name: 'idle' };
  private parts: Buffer[] = [];
  private size = 0;

  /** @param isAccepted whether a presentation context ID was accepted on this association. */
  constructor(private readonly isAccepted: (contextId: number) => boolean) {}

  /** True while a data set is expected or partly received. */
  get inDataset(): boolean {
    return this.phase.name === 'dataset';
  }

  push(s: PdvSlice): AssemblerOutput {
    // PS3.8 §9.3.5.1 / §7.6: PDVs only on accepted presentation contexts.
    if (!this.isAccepted(s.contextId)) return this.error(`PDV on presentation context ${s.contextId}, which was not accepted`);
    const isCommand = (s.control & PDV_COMMAND) !== 0;
    const isLast = s.end && (s.control & PDV_LAST) !== 0;
    const p = this.phase;
    if (isCommand) {
      if (p.name === 'dataset') return this.error('command PDV while a data set was expected');
      if (p.name === 'command' && p.contextId !== s.contextId) return this.error('command fragments on different presentation contexts');
      return this.commandSlice(s, isLast);
    }
    if (p.name !== 'dataset') return this.error(p.name === 'idle' ? 'data set PDV without a command' : 'data set PDV before the command was complete');
    // PS3.7 §6.3.1: the data set travels on the command's presentation context.
    if (p.contextId !== s.contextId) return this.error(`data set PDV on context ${s.contextId}, command was on ${p.contextId}`);
    if (isLast) this.phase = { name: 'idle' };
    return { kind: 'data', contextId: s.contextId, chunk: s.data, last: isLast };
  }

  private commandSlice(s: PdvSlice, isLast: boolean): AssemblerOutput {
    this.phase = { name: 'command', contextId: s.contextId };
    this.size += s.data.length;
    if (this.size > MAX_COMMAND_LENGTH) return this.error(`command set over ${MAX_COMMAND_LENGTH} bytes`);
    // Copied: a slice is valid only until the next socket read (dul/read-buffer.ts), and a command
    // may span several PDVs and PDUs. Command sets are small (MAX_COMMAND_LENGTH).
    this.parts.push(Buffer.from(s.data));
    if (!isLast) return NONE;
    const bytes = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    let command: CommandSet;
    try {
      command = decodeCommandSet(bytes);
    } catch (err) {
      if (err instanceof GatewayError) return this.error(err.message);
      throw err;
    }
    const datasetFollows = hasDataset(command);
    this.phase = datasetFollows ? { name: 'dataset', contextId: s.contextId } : { name: 'idle' };
    return { kind: 'command', contextId: s.contextId, command, datasetFollows };
  }

  private error(message: string): AssemblerOutput {
    this.phase = { name: 'idle' };
    this.parts = [];
    this.size = 0;
    return { kind: 'error', message };
  }
}
