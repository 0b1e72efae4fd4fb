// Test helper: many distinct instances from a few testdata templates (copies with new SOP Instance
// UIDs from `dcmodify -gin`, which also updates the meta header), and storescu -v transcript parsing.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readMeta, run, TESTDATA } from './net.js';

export interface Instance {
  file: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntax: string;
}

/** `n` copies of the templates (relative to testdata, used round robin), each with a new SOP Instance UID. */
export async function makeInstances(dir: string, n: number, templates: string[]): Promise<Instance[]> {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `i${String(i).padStart(4, '0')}.dcm`);
    copyFileSync(path.join(TESTDATA, templates[i % templates.length]), file);
    chmodSync(file, 0o644);
    files.push(file);
  }
  for (let i = 0; i < files.length; i += 100) {
    const r = await run('dcmodify', ['-nb', '-q', '-gin', ...files.slice(i, i + 100)], 120000);
    assert.equal(r.code, 0, `dcmodify -gin: ${r.stderr}`);
  }
  const out = files.map((file) => ({ file, ...readMeta(readFileSync(file)) }));
  assert.equal(new Set(out.map((o) => o.sopInstanceUid)).size, n, 'distinct SOP Instance UIDs');
  return out.map(({ file, sopInstanceUid, sopClassUid, transferSyntax }) => ({ file, sopInstanceUid, sopClassUid, transferSyntax }));
}

/**
 * Files storescu -v reports as stored with status Success: the last "Sending file: X" before each
 * "Received Store Response (Success)" (DCMTK 3.6.7 storescu, log on stderr).
 */
export function acknowledgedFiles(transcript: string): string[] {
  const acked: string[] = [];
  let current: string | null = null;
  for (const line of transcript.split('\n')) {
    const m = /^I: Sending file: (.+)$/.exec(line);
    if (m) current = m[1];
    else if (/^I: Received Store Response \(Success\)/.test(line)) {
      assert.ok(current, 'a response follows a file');
      acked.push(current);
      current = null;
    }
  }
  return acked;
}
