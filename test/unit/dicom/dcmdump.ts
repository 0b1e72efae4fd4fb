// Test helper: runs DCMTK's dcmdump and returns (tag, VR) pairs per dataset part, to check our dictionary
// against DCMTK's reading of real files. dcmdump must be installed (scripts/test.sh installs dcmtk);
// a missing dcmdump throws, so the tests fail rather than skip.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DumpedElement {
  tag: number;
  vr: string;
  /** "Little Endian Explicit", "Little Endian Implicit", "Big Endian Explicit"... as dcmdump names the part's syntax. */
  syntax: string;
  /** dcmdump printed "u/l": the element has undefined length. */
  undefinedLength: boolean;
}

export interface Dump {
  ok: boolean;
  elements: DumpedElement[];
}

const LINE = /^\s*\(([0-9a-f]{4}),([0-9a-f]{4})\) (\?\?|[A-Za-z]{2}) /;

/** Root of the project (dist/test/unit/dicom → four levels up). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const testdataDir = path.resolve(projectRoot, '..', 'shared', 'testdata');

/** dcmdump's text output and whether it read the whole file. */
export function dcmdumpText(file: string, extraArgs: string[] = []): { ok: boolean; text: string } {
  const r = spawnSync('dcmdump', ['-q', ...extraArgs, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { ok: r.status === 0, text: r.stdout };
}

export function dcmdump(file: string, extraArgs: string[] = []): Dump {
  const r = dcmdumpText(file, extraArgs);
  const elements: DumpedElement[] = [];
  let syntax = '';
  for (const line of r.text.split('\n')) {
    if (line.startsWith('# Used TransferSyntax: ')) syntax = line.slice(23).trim();
    const m = LINE.exec(line);
    if (m) elements.push({ tag: ((parseInt(m[1], 16) << 16) | parseInt(m[2], 16)) >>> 0, vr: m[3], syntax, undefinedLength: /# u\/l,/.test(line) });
  }
  return { ok: r.ok, elements };
}

/** Runs a DCMTK tool and throws with its stderr when it fails (or is missing). */
export function dcmtk(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr}`);
}
