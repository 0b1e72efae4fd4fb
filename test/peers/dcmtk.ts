// Test peers from DCMTK: storescp as a destination (waits until it listens) and storescu as a sender
// that proposes each file's own transfer syntax alone (an association profile written per run), so
// the gateway receives exactly the encoding on disk. A missing tool fails the test; it never skips.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readPart10Info, type Part10Info } from '../../src/dicom/part10.js';

const run = promisify(execFile);
/** Debian's DCMTK 3.6.7 leaves Nagle on unless told (README). */
const DCMTK_ENV = { ...process.env, TCP_NODELAY: '1' };

/** A port that was free a moment ago (bind 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** True when something LISTENs on `port` (/proc/net/tcp{,6}, state 0A); no connection is made. */
export function isListening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(f, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 3 && cols[1].endsWith(`:${hex}`) && cols[3] === '0A') return true;
    }
  }
  return false;
}

export interface StoreScp {
  port: number;
  aeTitle: string;
  dir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** What a storescp accepts: exactly these SOP Classes (plus Verification), each with these syntaxes. */
export interface ScpProfile {
  sopClasses: string[];
  transferSyntaxes: string[];
}

/** storescp.cfg text with one profile 'P' (DCMTK asccfg format, see /etc/dcmtk/storescp.cfg). */
function scpConfig(p: ScpProfile): string {
  const lines = ['[[TransferSyntaxes]]', '[Any]', ...p.transferSyntaxes.map((ts, i) => `TransferSyntax${i + 1} = ${ts}`),
    '[Uncompressed]', 'TransferSyntax1 = LittleEndianImplicit', '[[PresentationContexts]]', '[PC]', 'PresentationContext1 = VerificationSOPClass\\Uncompressed'];
  p.sopClasses.forEach((c, i) => lines.push(`PresentationContext${i + 2} = ${c}\\Any`));
  lines.push('[[Profiles]]', '[P]', 'PresentationContexts = PC');
  return lines.join('\n') + '\n';
}

/**
 * Runs `storescp [args] --aetitle AET --output-directory DIR PORT` and resolves once it listens; with
 * `profile`, an association profile (-xf) makes it accept only those SOP Classes and syntaxes.
 * (DCMTK 3.6.7's storescp has no bind-address option; it listens on all addresses.)
 */
export async function startStorescp(opts: { aeTitle?: string; args?: string[]; dir?: string; profile?: ScpProfile; port?: number } = {}): Promise<StoreScp> {
  const aeTitle = opts.aeTitle ?? 'STORESCP';
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'pg-storescp-'));
  const args = [...(opts.args ?? [])];
  let cfgDir: string | null = null;
  if (opts.profile) {
    cfgDir = mkdtempSync(path.join(tmpdir(), 'pg-storescp-cfg-'));
    const cfg = path.join(cfgDir, 'storescp.cfg');
    writeFileSync(cfg, scpConfig(opts.profile));
    args.push('-xf', cfg, 'P');
  }
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? await freePort();
    const child = spawn('storescp', [...args, '--aetitle', aeTitle, '--output-directory', dir, String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: DCMTK_ENV });
    let out = '';
    const keep = (b: Buffer): void => { out = (out + b.toString('utf8')).slice(-50_000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let spawnErr: Error | null = null;
    child.once('error', (e) => { spawnErr = e; });
    const deadline = Date.now() + 10_000;
    while (!isListening(port) && child.exitCode === null && !spawnErr && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (spawnErr) throw new Error(`cannot run storescp: ${(spawnErr as Error).message}`);
    if (child.exitCode !== null || !isListening(port)) {
      child.kill('SIGKILL');
      if (attempt < 3 && opts.port === undefined) continue; // port taken meanwhile
      throw new Error(`storescp did not listen: ${out}`);
    }
    return {
      port, aeTitle, dir, child, output: () => out,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        if (cfgDir) rmSync(cfgDir, { recursive: true, force: true });
      },
    };
  }
}

/** storescu.cfg text: one profile per transfer syntax, each SOP Class proposed with that syntax alone. */
function associationConfig(groups: Map<string, Part10Info[]>): string {
  const lines: string[] = ['[[TransferSyntaxes]]'];
  const keys = [...groups.keys()];
  keys.forEach((ts, i) => lines.push(`[TS${i}]`, `TransferSyntax1 = ${ts}`));
  lines.push('[[PresentationContexts]]');
  keys.forEach((ts, i) => {
    lines.push(`[PC${i}]`);
    const classes = [...new Set(groups.get(ts)!.map((f) => f.sopClassUid))];
    classes.forEach((c, k) => lines.push(`PresentationContext${k + 1} = ${c}\\TS${i}`));
  });
  lines.push('[[Profiles]]');
  keys.forEach((_, i) => lines.push(`[P${i}]`, `PresentationContexts = PC${i}`));
  return lines.join('\n') + '\n';
}

/**
 * Sends `files` with DCMTK storescu to AET@127.0.0.1:port, one association per transfer syntax,
 * each file in the syntax it is stored in (no conversion by storescu).
 */
export async function storescuSend(files: string[], port: number, calledAe: string, callingAe = 'STORESCU'): Promise<void> {
  const groups = new Map<string, Part10Info[]>();
  for (const f of files) {
    const info = await readPart10Info(f);
    const g = groups.get(info.transferSyntax) ?? [];
    g.push(info);
    groups.set(info.transferSyntax, g);
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'pg-storescu-'));
  try {
    const cfg = path.join(tmp, 'storescu.cfg');
    writeFileSync(cfg, associationConfig(groups));
    let i = 0;
    for (const [ts, infos] of groups) {
      await run('storescu', ['-xf', cfg, `P${i}`, '-aet', callingAe, '-aec', calledAe, '127.0.0.1', String(port), ...infos.map((f) => f.path)], { env: DCMTK_ENV, maxBuffer: 64 * 1024 * 1024 })
        .catch((e: Error & { stderr?: string }) => { throw new Error(`storescu (${infos.length} files in ${ts}) failed: ${e.message}\n${e.stderr ?? ''}`); });
      i++;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `dcmconv ARGS in out` (e.g. ['+ti'] for Implicit VR Little Endian). */
export async function dcmconv(args: string[], input: string, output: string): Promise<void> {
  await run('dcmconv', [...args, input, output], { env: DCMTK_ENV });
}
