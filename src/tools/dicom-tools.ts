// `pacsgate echo` and `pacsgate send`: thin wrappers over the SCU services.
import pino from 'pino';
import { UsageError, type ParsedArgs } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { parsePeer } from '../config/schema.js';
import { echoPeer } from '../services/echo.js';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { readPart10Info, type Part10Info } from '../dicom/part10.js';
import { openAssociation } from '../net/scu.js';
import type { ScuContext } from '../net/types.js';

function cliLogger(): pino.Logger {
  return pino({ level: process.env.PACSGATE_LOG_LEVEL ?? 'warn' }, pino.destination({ dest: 2, sync: true }));
}

function timeoutMs(args: ParsedArgs): number {
  const t = args.options.timeout;
  if (t === undefined) return 30000;
  const n = Number(t);
  if (typeof t !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout: expected seconds > 0, found ${String(t)}`);
  return Math.round(n * 1000);
}

function callingAe(args: ParsedArgs): string {
  const c = args.options.calling;
  if (typeof c === 'string') {
    if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(c) || c.trim() === '') throw new UsageError(`--calling: expected an AE title of 1-16 characters, found ${JSON.stringify(c)}`);
    return c.trim();
  }
  return loadConfig().aeTitle;
}

/** `pacsgate echo [--calling AET] [--timeout S] AET@HOST:PORT`: exit 0 on status Success. */
export async function echoCommand(args: ParsedArgs): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('echo needs exactly one AET@HOST:PORT');
  const peer = parsePeer('peer', args.positional[0]);
  const r = await echoPeer({ host: peer.host, port: peer.port, calledAe: peer.aeTitle, callingAe: callingAe(args), timeoutMs: timeoutMs(args), log: cliLogger() });
  const ok = r.status === 0;
  process.stdout.write(
    `C-ECHO ${peer.aeTitle}@${peer.host}:${peer.port}: status 0x${r.status.toString(16).padStart(4, '0')} (${ok ? 'Success' : 'Failure'}), ` +
      `round trip ${r.roundTripMs.toFixed(1)} ms (association ${r.associateMs.toFixed(1)} ms)\n`,
  );
  return ok ? 0 : 1;
}

/** Files given on the command line, directories walked recursively, in sorted order. */
async function collectFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await stat(p);
    if (st.isDirectory()) {
      const entries = (await readdir(p)).sort();
      out.push(...(await collectFiles(entries.map((e) => path.join(p, e)))));
    } else out.push(p);
  }
  return out;
}

/** `pacsgate send [--calling AET] [--timeout S] AET@HOST:PORT FILE_OR_DIR...`: exit 0 when every file succeeded. */
export async function sendCommand(args: ParsedArgs): Promise<number> {
  if (args.positional.length < 2) throw new UsageError('send needs AET@HOST:PORT and at least one file or directory');
  const peer = parsePeer('peer', args.positional[0]);
  const log = cliLogger();
  const files: Part10Info[] = [];
  let failed = 0;
  for (const f of await collectFiles(args.positional.slice(1))) {
    try {
      const info = await readPart10Info(f);
      if (!info.sopClassUid || !info.sopInstanceUid) throw new Error('file meta lacks the Media Storage SOP Class or Instance UID');
      files.push(info);
    } catch (err) {
      failed++;
      process.stderr.write(`skip ${f}: ${(err as Error).message}\n`);
    }
  }
  // One context per (SOP Class, transfer syntax) as the file is; at most 128 per association (PS3.8 §9.3.2.2).
  for (let start = 0; start < files.length; ) {
    const contexts: ScuContext[] = [];
    const keys = new Set<string>();
    let end = start;
    for (; end < files.length; end++) {
      const k = `${files[end].sopClassUid}|${files[end].transferSyntax}`;
      if (!keys.has(k)) {
        if (contexts.length === 128) break;
        keys.add(k);
        contexts.push({ abstractSyntax: files[end].sopClassUid, transferSyntaxes: [files[end].transferSyntax] });
      }
    }
    const assoc = await openAssociation({ host: peer.host, port: peer.port, callingAe: callingAe(args), calledAe: peer.aeTitle, contexts, connectTimeoutMs: timeoutMs(args), log });
    try {
      for (const f of files.slice(start, end)) {
        const ctx = assoc.accepted.find((c) => c.abstractSyntax === f.sopClassUid && c.transferSyntax === f.transferSyntax);
        if (!ctx) {
          failed++;
          process.stdout.write(`${f.path}: not sent, no accepted presentation context for ${f.sopClassUid} in ${f.transferSyntax}\n`);
          continue;
        }
        const t0 = Date.now();
        const res = await assoc.store({
          abstractSyntax: f.sopClassUid, transferSyntax: f.transferSyntax, sopClassUid: f.sopClassUid, sopInstanceUid: f.sopInstanceUid,
          dataset: createReadStream(f.path, { start: f.datasetOffset, highWaterMark: 256 * 1024 }), timeoutMs: timeoutMs(args),
        });
        const ok = res.status === 0 || (res.status & 0xf000) === 0xb000;
        if (!ok) failed++;
        process.stdout.write(`${f.path}: status 0x${res.status.toString(16).padStart(4, '0')}${res.errorComment ? ` (${res.errorComment})` : ''}, ${f.size - f.datasetOffset} bytes, ${Date.now() - t0} ms\n`);
      }
      await assoc.release();
    } catch (err) {
      assoc.abort();
      throw err;
    }
    start = end;
  }
  process.stdout.write(`${files.length} files sent or tried, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
