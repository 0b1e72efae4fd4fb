// Reads into one reused Buffer per connection (src/net/dul/read-buffer.ts): every read lands in the
// same memory, pause()/resume() still hold the sender back, 'close' still comes, and a socket that
// is already reading is left alone. DulSocket uses it for both roles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { installReadBuffer } from '../../../../src/net/dul/read-buffer.js';
import { DulSocket } from '../../../../src/net/dul/socket-adapter.js';
import { silentLog } from '../../../helpers/net.js';

const user = { onIndication() {}, onPdv() {}, onClosed() {} };

async function listen(opts: net.ServerOpts, onSocket: (s: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer(opts, onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as net.AddressInfo).port };
}

test('every read lands in the one buffer; the bytes arrive whole and in order; close follows', async () => {
  const payload = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE(i, i);
  const buffer = Buffer.alloc(64 * 1024);
  const hash = createHash('sha256');
  let bytes = 0;
  let reads = 0;
  let sameMemory = true;
  let installed = false;
  const closed = new Promise<void>((resolve) => {
    void listen({ pauseOnConnect: true }, (s) => {
      installed = installReadBuffer(s, buffer, (b) => {
        reads++;
        if (b.buffer !== buffer.buffer || b.byteOffset !== buffer.byteOffset) sameMemory = false;
        hash.update(b);
        bytes += b.length;
      });
      s.on('close', () => resolve());
      s.resume();
    }).then(({ server, port }) => {
      const c = net.connect(port, '127.0.0.1', () => c.end(payload));
      c.on('close', () => server.close());
    });
  });
  await closed;
  assert.equal(installed, true, 'this Node has the slots (else pacsgate silently falls back to a Buffer per read)');
  assert.equal(bytes, payload.length);
  assert.equal(hash.digest('hex'), createHash('sha256').update(payload).digest('hex'));
  assert.equal(sameMemory, true, 'a read came in other memory');
  assert.ok(reads >= payload.length / buffer.length, `${reads} reads`);
});

test('pause() inside the callback stops the reads until resume()', async () => {
  const payload = Buffer.alloc(1024 * 1024, 1);
  let bytes = 0;
  let paused = false;
  let readWhilePaused = false;
  let sock!: net.Socket;
  const { server, port } = await listen({ pauseOnConnect: true }, (s) => {
    sock = s;
    installReadBuffer(s, Buffer.alloc(16 * 1024), (b) => {
      if (paused) readWhilePaused = true;
      bytes += b.length;
      if (bytes >= 256 * 1024 && bytes - b.length < 256 * 1024) {
        paused = true;
        s.pause();
      }
    });
    s.resume();
  });
  const c = net.connect(port, '127.0.0.1', () => c.write(payload));
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(paused, true);
    const atPause = bytes;
    assert.ok(atPause < payload.length, 'the sender is held back');
    assert.equal(readWhilePaused, false);
    paused = false;
    sock.resume();
    await new Promise<void>((r) => {
      const t = setInterval(() => bytes === payload.length && (clearInterval(t), r()), 5);
    });
    assert.equal(bytes, payload.length);
  } finally {
    c.destroy();
    sock?.destroy();
    await new Promise((r) => server.close(r));
  }
});

test('a socket already reading is left alone (false), and keeps its data events', async () => {
  let result: boolean | undefined;
  let got = '';
  const { server, port } = await listen({}, (s) => {
    result = installReadBuffer(s, Buffer.alloc(1024), () => assert.fail('must not be called'));
    s.on('data', (d: Buffer) => (got += d.toString()));
  });
  const c = net.connect(port, '127.0.0.1', () => c.end('hello'));
  await new Promise((r) => c.on('close', r));
  await new Promise((r) => setTimeout(r, 50));
  server.close();
  assert.equal(result, false);
  assert.equal(got, 'hello');
});

test('DulSocket reads into its own buffer as acceptor (paused socket) and as requestor (connecting socket)', async () => {
  const duls: DulSocket[] = [];
  const { server, port } = await listen({ pauseOnConnect: true }, (s) => {
    duls.push(new DulSocket({ socket: s, isRequestor: false, maxPduLength: 16384, artimMs: 5000, idleMs: 0, log: silentLog() }, user));
  });
  const c = net.connect(port, '127.0.0.1');
  const requestor = new DulSocket({ socket: c, isRequestor: true, maxPduLength: 16384, artimMs: 5000, idleMs: 0, log: silentLog() }, user);
  await new Promise((r) => c.once('connect', r));
  await new Promise((r) => setTimeout(r, 20));
  try {
    assert.equal(requestor.reusesReads, true);
    assert.equal(duls.length, 1);
    assert.equal(duls[0].reusesReads, true);
    const off = new DulSocket({ socket: new net.Socket(), isRequestor: true, maxPduLength: 16384, artimMs: 5000, idleMs: 0, log: silentLog(), readBufferBytes: 0 }, user);
    assert.equal(off.reusesReads, false);
  } finally {
    c.destroy();
    await new Promise((r) => server.close(r));
  }
});
