// Test-only helper: runs a DCMTK command-line tool and fails (never skips) when it is missing.
import { execFile, execFileSync } from 'node:child_process';
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

// At most `limit` DCMTK processes at a time (the machine is shared; each call is ~0.1 s of start-up).
let running = 0;
const waiting: Array<() => void> = [];
export async function dcmtkAsync(tool: string, args: string[], limit = 2): Promise<void> {
  if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(tool, args, { env: { ...process.env, TCP_NODELAY: '1' } }, (err, _stdout, stderr) => {
        if (!err) return resolve();
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'ENOENT') reject(new Error(`DCMTK tool ${tool} is not installed (scripts/test.sh installs dcmtk)`));
        else reject(new Error(`${tool} ${args.join(' ')} failed: ${stderr}`));
      });
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}
