// Test-only helper: runs a DCMTK command-line tool and fails (never skips) when it is missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function dcmtk(tool: string, args: string[]): void {
  try {
    execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TCP_NODELAY: '1' } });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer; status?: number };
    if (e.code === 'ENOENT') throw new Error(`DCMTK tool ${tool} is not installed (scripts/test.sh installs dcmtk)`);
    throw new Error(`${tool} ${args.join(' ')} failed (${e.status}): ${e.stderr?.toString() ?? ''}`);
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `pacsgate-${prefix}-`));
}
