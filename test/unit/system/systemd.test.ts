// Unit tests of the sd_notify policy against a real AF_UNIX datagram socket bound by a python3 peer
// (test/peers/notify-socket.py), for filesystem paths and abstract names.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createSystemdNotifier, watchdogUsecFor } from '../../../src/system/systemd.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const PEER = path.join(root, 'test', 'peers', 'notify-socket.py');
const silent = pino({ level: 'silent' });
const tmp = mkdtempSync(path.join(tmpdir(), 'pacsgate-notify-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Receiver {
  messages: string[];
  /** Resolves once `count` datagrams have arrived (rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<string[]>;
  close(): void;
}

async function startReceiver(addr: string): Promise<Receiver> {
  const child: ChildProcessWithoutNullStreams = spawn('python3', [PEER, addr]);
  const messages: string[] = [];
  let waiters: Array<() => void> = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const bound = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`receiver exited ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const ev = JSON.parse(line) as { bound?: string; msg?: string };
      if (ev.bound) resolve();
      if (ev.msg !== undefined) {
        messages.push(ev.msg);
        waiters.forEach((w) => w());
      }
    });
  });
  await bound;
  return {
    messages,
    waitFor(count, ms = 2000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => (messages.length >= count ? (resolve(messages.slice()), true) : false);
        if (check()) return;
        const timer = setTimeout(() => reject(new Error(`only ${messages.length} of ${count} datagrams: ${JSON.stringify(messages)}`)), ms);
        waiters.push(() => check() && clearTimeout(timer));
      });
    },
    close() {
      waiters = [];
      child.kill();
    },
  };
}

test('no NOTIFY_SOCKET: disabled, every call is a no-op', () => {
  let calls = 0;
  const n = createSystemdNotifier({}, silent, { send: () => (calls++, 0) });
  assert.equal(n.enabled, false);
  n.ready('x');
  n.status('y');
  n.stopping();
  n.extendTimeout(5_000_000);
  n.startWatchdog()();
  assert.equal(calls, 0);
});

for (const kind of ['path', 'abstract'] as const) {
  test(`ready/status/stopping/extendTimeout reach a ${kind} socket in order`, async (t) => {
    const addr = kind === 'path' ? path.join(tmp, 'notify.sock') : `@pacsgate-test-${process.pid}-${Date.now()}`;
    const rx = await startReceiver(addr);
    t.after(() => rx.close());
    const n = createSystemdNotifier({ NOTIFY_SOCKET: addr }, silent);
    assert.equal(n.enabled, true);
    n.ready('listening on\nport 104');
    n.status('spool 3 instances');
    n.extendTimeout(20_000_000);
    n.extendTimeout(-1);
    n.stopping();
    const got = await rx.waitFor(4);
    assert.deepEqual(got, [
      'READY=1\nSTATUS=listening on port 104',
      'STATUS=spool 3 instances',
      'EXTEND_TIMEOUT_USEC=20000000',
      'STOPPING=1',
    ]);
  });
}

test('watchdog pings WATCHDOG=1 at half of WATCHDOG_USEC and stops when asked', async (t) => {
  const addr = `@pacsgate-wd-${process.pid}-${Date.now()}`;
  const rx = await startReceiver(addr);
  t.after(() => rx.close());
  const n = createSystemdNotifier({ NOTIFY_SOCKET: addr, WATCHDOG_USEC: '200000', WATCHDOG_PID: String(process.pid) }, silent);
  assert.equal(n.watchdogUsec, 200_000);
  const started = Date.now();
  const stop = n.startWatchdog();
  const got = await rx.waitFor(4, 3000); // one at once, then every 100 ms
  const elapsed = Date.now() - started;
  stop();
  assert.ok(got.every((m) => m === 'WATCHDOG=1'), JSON.stringify(got));
  assert.ok(elapsed >= 250 && elapsed < 2000, `4 pings took ${elapsed} ms, expected ~300 ms`);
  const count = rx.messages.length;
  await new Promise((r) => setTimeout(r, 350));
  assert.equal(rx.messages.length, count, 'no WATCHDOG=1 after stop()');
});

test('watchdog timer does not keep the event loop alive', async () => {
  const script = `
    import { createSystemdNotifier } from ${JSON.stringify(path.join(root, 'dist', 'src', 'system', 'systemd.js'))};
    import pino from 'pino';
    createSystemdNotifier({ NOTIFY_SOCKET: '@pacsgate-none-' + process.pid, WATCHDOG_USEC: '1000000' }, pino({ level: 'silent' })).startWatchdog();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => (child.kill(), resolve(-1)), 5000);
    child.on('exit', (c) => (clearTimeout(timer), resolve(c)));
  });
  assert.equal(code, 0, 'process exited by itself with only the watchdog timer pending');
});

test('WATCHDOG_PID of another process, or no WATCHDOG_USEC: no watchdog', () => {
  assert.equal(watchdogUsecFor({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '1' }, 4242), 0);
  assert.equal(watchdogUsecFor({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '4242' }, 4242), 30_000_000);
  assert.equal(watchdogUsecFor({ WATCHDOG_USEC: '30000000' }, 4242), 30_000_000);
  assert.equal(watchdogUsecFor({ WATCHDOG_USEC: 'abc' }, 4242), 0);
  assert.equal(watchdogUsecFor({ WATCHDOG_USEC: '0' }, 4242), 0);
  assert.equal(watchdogUsecFor({}, 4242), 0);
  let calls = 0;
  const n = createSystemdNotifier({ NOTIFY_SOCKET: '@x', WATCHDOG_USEC: '100000', WATCHDOG_PID: '1' }, silent, {
    send: () => (calls++, 0),
    pid: 4242,
  });
  n.startWatchdog()();
  assert.equal(calls, 0);
});

test('a send failure is logged once per errno and never thrown', () => {
  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (s: string) => void lines.push(s) });
  const errnos = [111, 111, 0, 111, 2];
  const n = createSystemdNotifier({ NOTIFY_SOCKET: '/nonexistent/notify' }, log, { send: () => errnos.shift() ?? 0 });
  for (let i = 0; i < 5; i++) n.status(`s${i}`);
  const logged = lines.map((l) => JSON.parse(l) as { errno: number; msg: string });
  assert.deepEqual(logged.map((l) => [l.msg, l.errno]), [
    ['sd_notify failed', 111],
    ['sd_notify failed', 111],
    ['sd_notify failed', 2],
  ]);
});

test('unreachable socket through the real addon: returns, logs, does not throw', () => {
  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (s: string) => void lines.push(s) });
  const n = createSystemdNotifier({ NOTIFY_SOCKET: path.join(tmp, 'nobody-listens.sock') }, log);
  n.ready();
  assert.equal(lines.length, 1);
  assert.equal((JSON.parse(lines[0]) as { errno: number }).errno, 2); // ENOENT
});
