// Test peer: a minimal Verification SCP (C-ECHO only) on 127.0.0.1, so the page's "Test" button
// can drive a real DICOM association from DCMTK's echoscu while the gateway's own net layer is
// built elsewhere. Accepts Verification with Implicit VR Little Endian; rejects a wrong called AE.
// Not production code: no ARTIM timer, no state table, one PDU buffered at a time.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

const VERIFICATION = '1.2.840.10008.1.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const APP_CONTEXT = '1.2.840.10008.3.1.1.1';
const IMPL_CLASS_UID = '2.25.271828182845904523536028747135266249';

/** PS3.8 §9.3.1: type, reserved, 4-byte big-endian length. */
function pdu(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head[0] = type;
  head.writeUInt32BE(body.length, 2);
  return Buffer.concat([head, body]);
}

/** PS3.8 §9.3.2: item type, reserved, 2-byte big-endian length. */
function item(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = type;
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([head, body]);
}

const uidBytes = (uid: string): Buffer => Buffer.from(uid, 'ascii');

interface PresentationContext { id: number; abstractSyntax: string; transferSyntaxes: string[] }

/** Presentation contexts of an A-ASSOCIATE-RQ (PS3.8 §9.3.2.2); variable items start at byte 74. */
function parseContexts(rq: Buffer): PresentationContext[] {
  const out: PresentationContext[] = [];
  for (let i = 74; i + 4 <= rq.length;) {
    const type = rq[i], len = rq.readUInt16BE(i + 2);
    if (type === 0x20) {
      const pc: PresentationContext = { id: rq[i + 4], abstractSyntax: '', transferSyntaxes: [] };
      for (let j = i + 8; j < i + 4 + len;) {
        const st = rq[j], sl = rq.readUInt16BE(j + 2);
        const uid = rq.subarray(j + 4, j + 4 + sl).toString('ascii').replace(/\0+$/, '');
        if (st === 0x30) pc.abstractSyntax = uid;
        if (st === 0x40) pc.transferSyntaxes.push(uid);
        j += 4 + sl;
      }
      out.push(pc);
    }
    i += 4 + len;
  }
  return out;
}

function associateAc(rq: Buffer): Buffer {
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(1, 0);
  rq.copy(fixed, 4, 10, 42); // called + calling AE titles echoed back (PS3.8 §9.3.3)
  const pcs = parseContexts(rq).map((pc) => {
    const ok = pc.abstractSyntax === VERIFICATION && pc.transferSyntaxes.includes(IMPLICIT_LE);
    return item(0x21, Buffer.concat([Buffer.from([pc.id, 0, ok ? 0 : 3, 0]), item(0x40, uidBytes(IMPLICIT_LE))]));
  });
  const maxLen = Buffer.alloc(4);
  maxLen.writeUInt32BE(16384);
  const userInfo = item(0x50, Buffer.concat([item(0x51, maxLen), item(0x52, uidBytes(IMPL_CLASS_UID))]));
  return pdu(0x02, Buffer.concat([fixed, item(0x10, uidBytes(APP_CONTEXT)), ...pcs, userInfo]));
}

/** Implicit VR LE command element (PS3.7 §E.1). */
function element(tagElem: number, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0x0000, 0);
  head.writeUInt16LE(tagElem, 2);
  head.writeUInt32LE(value.length, 4);
  return Buffer.concat([head, value]);
}

const us = (v: number): Buffer => Buffer.from([v & 0xff, v >> 8]);

/** C-ECHO-RSP, PS3.7 §9.3.5.2, Table 9.3-13. */
function echoRsp(pcId: number, messageId: number): Buffer {
  const uid = Buffer.from(VERIFICATION + '\0', 'ascii'); // padded to even length
  const rest = Buffer.concat([element(0x0002, uid), element(0x0100, us(0x8030)), element(0x0120, us(messageId)),
    element(0x0800, us(0x0101)), element(0x0900, us(0x0000))]);
  const gl = Buffer.alloc(4);
  gl.writeUInt32LE(rest.length);
  const cmd = Buffer.concat([element(0x0000, gl), rest]);
  const pdvLen = Buffer.alloc(4);
  pdvLen.writeUInt32BE(cmd.length + 2);
  return pdu(0x04, Buffer.concat([pdvLen, Buffer.from([pcId, 0x03]), cmd]));
}

/** Message ID (0000,0110) of the command in the first PDV of a P-DATA-TF. */
function messageIdOf(pdata: Buffer): { pcId: number; messageId: number } {
  const pcId = pdata[10];
  for (let i = 12; i + 8 <= pdata.length;) {
    const elem = pdata.readUInt16LE(i + 2), len = pdata.readUInt32LE(i + 4);
    if (elem === 0x0110) return { pcId, messageId: pdata.readUInt16LE(i + 8) };
    i += 8 + len;
  }
  return { pcId, messageId: 0 };
}

function handle(sock: net.Socket, aeTitle: string): void {
  let buf = Buffer.alloc(0);
  sock.on('error', () => sock.destroy());
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 6 && buf.length >= 6 + buf.readUInt32BE(2)) {
      const p = buf.subarray(0, 6 + buf.readUInt32BE(2));
      buf = buf.subarray(p.length);
      if (p[0] === 0x01) {
        const called = p.subarray(10, 26).toString('ascii').trim();
        // A-ASSOCIATE-RJ: rejected-permanent, service-user, called AE title not recognized (PS3.8 §9.3.4).
        sock.write(called === aeTitle ? associateAc(p) : pdu(0x03, Buffer.from([0, 1, 1, 7])));
      } else if (p[0] === 0x04) {
        const { pcId, messageId } = messageIdOf(p);
        sock.write(echoRsp(pcId, messageId));
      } else if (p[0] === 0x05) {
        sock.end(pdu(0x06, Buffer.alloc(4)));
      } else {
        sock.destroy();
      }
    }
  });
}

export async function startEchoScp(aeTitle: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    handle(s, aeTitle);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}
