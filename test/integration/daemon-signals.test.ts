// CONTRACT.md "Signals": SIGTERM/SIGINT stop the daemon with exit 0 within 10 s — also when the signal
// arrives during start-up or the instant it is ready (the handlers are installed before anything else).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../helpers/testdata.js';

/** Starts the daemon and sends `signal` when the log line `at` appears; resolves with exit code and time. */
async function signalAt(at: 'starting' | 'ready', signal: NodeJS.Signals): Promise<{ code: number | null; ms: number; msgs: string[] }> {
  const spool = mkdtempSync(path.join(tmpdir(), 'pg-sig-'));
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'pacsgate.js')], {
    env: { ...process.env, PACSGATE_DICOM_PORT: '0', PACSGATE_HTTP_PORT: '0', PACSGATE_DICOM_HOST: '127.0.0.1', PACSGATE_SPOOL_DIR: spool },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const msgs: string[] = [];
  let sentAt = 0;
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    const msg = (JSON.parse(l) as { msg: string }).msg;
    msgs.push(msg);
    if (msg === at && !sentAt) {
      sentAt = Date.now();
      proc.kill(signal);
    }
  });
  const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
  rmSync(spool, { recursive: true, force: true });
  return { code, ms: Date.now() - sentAt, msgs };
}

for (const at of ['starting', 'ready'] as const) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} at '${at}': clean stop, exit 0 within 10 s`, async () => {
      const r = await signalAt(at, signal);
      assert.equal(r.code, 0, `exit code (log: ${r.msgs.join(', ')})`);
      assert.ok(r.ms < 10_000, `${r.ms} ms`);
      assert.ok(r.msgs.includes('stopped'), 'logged stopped');
    });
  }
}
