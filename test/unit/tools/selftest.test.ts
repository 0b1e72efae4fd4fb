// `pacsgate selftest`: passes with the real addon, and reports a failing check with exit code 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS, runSelfTest } from '../../../src/tools/selftest.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

test('selftest passes against the built addon', async () => {
  const lines: string[] = [];
  assert.equal(await runSelfTest((l) => lines.push(l)), 0);
  assert.deepEqual(lines.slice(1, -1), CHECKS.map((c) => `ok ${c.name}`));
});

test('a failing check turns into FAIL and exit code 1', async () => {
  const lines: string[] = [];
  const broken = { name: 'broken', run: () => { throw new Error('boom'); } };
  (CHECKS as unknown as Array<typeof broken>).push(broken);
  try {
    assert.equal(await runSelfTest((l) => lines.push(l)), 1);
  } finally {
    (CHECKS as unknown as Array<typeof broken>).pop();
  }
  assert.ok(lines.includes('FAIL broken: boom'));
});

test('pacsgate selftest via the CLI exits 0', () => {
  const out = execFileSync(process.execPath, [path.join(root, 'bin', 'pacsgate.js'), 'selftest'], { encoding: 'utf8' });
  assert.match(out, /selftest passed/);
});
