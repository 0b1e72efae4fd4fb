// Locates ../shared/testdata (beside the project root) and reads its MANIFEST.tsv.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root: dist/test/helpers → three levels up. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TESTDATA = path.resolve(ROOT, '..', 'shared', 'testdata');

export interface ManifestRow {
  path: string;
  bytes: number;
  transferSyntax: string;
  rows: string;
  columns: string;
  frames: string;
  samples: string;
  bitsAllocated: string;
  pixelSha256: string;
  note: string;
}

export function manifest(): ManifestRow[] {
  const lines = readFileSync(path.join(TESTDATA, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const col = (name: string): number => head.indexOf(name);
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return {
      path: f[col('path')], bytes: Number(f[col('bytes')]), transferSyntax: f[col('transfer_syntax')],
      rows: f[col('rows')], columns: f[col('columns')], frames: f[col('frames')], samples: f[col('samples')],
      bitsAllocated: f[col('bits_allocated')], pixelSha256: f[col('pixel_sha256_dcmtk')], note: f[col('note')] ?? '',
    };
  });
}

/** Every .dcm under testdata, relative paths, sorted. */
export function allDicomFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.dcm')) out.push(path.relative(TESTDATA, p));
    }
  };
  walk(TESTDATA);
  return out.sort();
}
