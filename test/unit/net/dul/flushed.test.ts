// DulSocket.flushed(): resolves only once every byte written is with the kernel, which is what lets the
// forwarder reuse a data set's buffers after store() (src/net/association.ts sendDataset). drained():
// back-pressure between data set groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DulSocket } from '../../../../src/net/dul/socket-adapter.js';
import { silentLog } from '../../../helpers/net.js';

const user = { onIndication() {}, onPdv() {}, onClosed() {} };

test('flushed() waits for a peer that stops reading, and resolves once it reads again', async () => {
  let peer!: net.Socket;
  let received = 0;
  const server = net.createServer((s) => {
    peer = s;
    s.pause();
    s.on('data', (d) => (received += d.length));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  const dul = new DulSocket({ socket: client, isRequestor: true, maxPduLength: 16384, artimMs: 5000, idleMs: 0, log: silentLog() }, user);
  try {
    assert.equal(client.writableLength, 0);
    let done = false;
    await dul.flushed(); // nothing pending: at once
    const big = Buffer.alloc(64 * 1024 * 1024, 7); // more than loopback socket buffers hold
    dul.sendData([big]);
    assert.ok(client.writableLength > 0, 'the kernel could not take it all at once');
    const flushed = dul.flushed().then(() => (done = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(done, false, 'still pending while the peer does not read');
    peer.resume();
    await flushed;
    assert.equal(client.writableLength, 0);
    await new Promise<void>((r) => {
      const t = setInterval(() => received === big.length && (clearInterval(t), r()), 5);
    });
    assert.equal(received, big.length, 'a zero-length write adds nothing to the stream');
  } finally {
    client.destroy();
    peer?.destroy();
    await new Promise((r) => server.close(r));
  }
});

test('flushed() resolves for a destroyed socket', async () => {
  const client = new net.Socket();
  const dul = new DulSocket({ socket: client, isRequestor: true, maxPduLength: 16384, artimMs: 5000, idleMs: 0, log: silentLog() }, user);
  client.destroy();
  await dul.flushed();
  assert.ok(dul);
});

test('drained() does not wait for the next tick\'s drain event once the kernel has taken every byte', async () => {
  const server = net.createServer((s) => s.resume());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  const dul = new DulSocket({ socket: client, isRequestor: true, maxPduLength: 16384, artimMs: 5000, idleMs: 0, log: silentLog() }, user);
  try {
    // One write above the stream's highWaterMark (16 KiB) that loopback takes at once.
    let taken = false;
    for (let i = 0; i < 20 && !taken; i++) {
      dul.sendData([Buffer.alloc(client.writableHighWaterMark + 4096, 1)]);
      taken = client.writableLength === 0 && client.writableNeedDrain;
      if (!taken) await new Promise((r) => client.once('drain', r));
    }
    assert.ok(taken, 'loopback took a write above the highWaterMark at once');
    const waiting = client.listenerCount('drain');
    const d = dul.drained();
    assert.equal(client.listenerCount('drain'), waiting, 'no drain listener: nothing to wait for');
    await d;
    // Still waits when bytes are queued in the stream.
    client.cork();
    client.write(Buffer.alloc(client.writableHighWaterMark + 1));
    assert.equal(client.writableNeedDrain, true);
    const pending = dul.drained();
    assert.equal(client.listenerCount('drain'), waiting + 1);
    client.uncork();
    await pending;
  } finally {
    client.destroy();
    await new Promise((r) => server.close(r));
  }
});
