// A scripted TCP peer for bad-behaviour tests (after pynetdicom tests/parrot.py): send raw bytes,
// expect PDUs by type, wait, close. It frames PDUs itself (6-byte header) and trusts nothing.
import net from 'node:net';
import { encodePdu, encodePDataTf } from '../../src/net/pdu/codec.js';
import type { AssociateRq } from '../../src/net/pdu/types.js';
import { encodeCommandSet, type CommandSet } from '../../src/dicom/command-set.js';

export class ScriptedPeer {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.wake();
    });
    this.closed = new Promise((r) => socket.on('close', () => {
      this.ended = true;
      this.wake();
      r();
    }));
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<ScriptedPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new ScriptedPeer(s)));
      s.once('error', reject);
    });
  }

  /** One scripted acceptor: the first connection to a listener on a free loopback port. */
  static async listen(): Promise<{ port: number; accepted: Promise<ScriptedPeer>; close(): void }> {
    const server = net.createServer();
    const accepted = new Promise<ScriptedPeer>((resolve) => server.once('connection', (s) => resolve(new ScriptedPeer(s))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    return { port, accepted, close: () => server.close() };
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(b: Buffer): this {
    this.socket.write(b);
    return this;
  }

  wait(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  /** The next whole PDU, or null if the peer closed first / nothing came within timeoutMs. */
  async nextPdu(timeoutMs = 5000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buf.length >= 6) {
        const len = 6 + this.buf.readUInt32BE(2);
        if (this.buf.length >= len) {
          const pdu = this.buf.subarray(0, len);
          this.buf = this.buf.subarray(len);
          return pdu;
        }
      }
      if (this.ended || Date.now() >= deadline) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  /** Waits for a PDU of `type` (skipping none): throws if another type or nothing arrives. */
  async expect(type: number, timeoutMs = 5000): Promise<Buffer> {
    const p = await this.nextPdu(timeoutMs);
    if (!p) throw new Error(`expected PDU type ${type}, got ${this.ended ? 'connection closed' : 'nothing'}`);
    if (p[0] !== type) throw new Error(`expected PDU type ${type}, got ${p[0]} (${p.subarray(0, 12).toString('hex')})`);
    return p;
  }

  /** Resolves true if the other side closed the connection within timeoutMs. */
  async expectClosed(timeoutMs = 5000): Promise<boolean> {
    await Promise.race([this.closed, this.wait(timeoutMs)]);
    return this.ended;
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function associateRq(contexts: Array<{ id: number; abstractSyntax: string; transferSyntaxes: string[] }>, calledAe = 'PACSGATE', callingAe = 'SCRIPTED'): Buffer {
  const rq: AssociateRq = {
    type: 1, protocolVersion: 1, calledAe, callingAe, applicationContext: '1.2.840.10008.3.1.1.1', presentationContexts: contexts,
    userInfo: { roleSelections: [], extendedNegotiations: [], other: [], maxLength: 16384, implementationClassUid: '1.2.3.4' },
  };
  return encodePdu(rq);
}

/** One P-DATA-TF with the whole command set as a single last command fragment. */
export function commandPdu(contextId: number, cmd: CommandSet | Buffer): Buffer {
  const data = Buffer.isBuffer(cmd) ? cmd : encodeCommandSet(cmd);
  return encodePDataTf([{ contextId, control: 0x03, data }]);
}

export function datasetPdu(contextId: number, data: Buffer, last: boolean): Buffer {
  return encodePDataTf([{ contextId, control: last ? 0x02 : 0x00, data }]);
}
