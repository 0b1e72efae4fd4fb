// Config persistence for the web page: validate with the same schema as load, then write the file
// atomically (temp file in the same directory, fsync, rename, fsync the directory).
// Must not apply the config to anything: the caller hands the result to the running gateway.
import { open, rename, readdir, unlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { validateConfig } from './schema.js';
import type { Config } from './types.js';

/**
 * Settings that only take effect after a restart (they are bound sockets, the spool environment or
 * the identity peers have configured). Everything else is applied live by the running gateway.
 * Prefix match on dotted paths: 'http' covers every http.* key.
 */
export const RESTART_KEYS = ['aeTitle', 'dicom.host', 'dicom.port', 'http', 'spool.dir', 'spool.retentionSeconds'] as const;

/** The document written to disk: the config without its runtime-only `source`. */
export function configDocument(cfg: Config): Omit<Config, 'source'> {
  const { source: _source, ...doc } = cfg;
  return doc;
}

/** Dotted paths (depth 2) whose values differ between two configs; arrays compare whole. */
export function changedKeys(prev: Config, next: Config): string[] {
  const out: string[] = [];
  const a = configDocument(prev) as Record<string, unknown>;
  const b = configDocument(next) as Record<string, unknown>;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k], y = b[k];
    const isSection = x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y);
    if (!isSection) {
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push(k);
      continue;
    }
    const xo = x as Record<string, unknown>, yo = y as Record<string, unknown>;
    for (const s of new Set([...Object.keys(xo), ...Object.keys(yo)])) {
      if (JSON.stringify(xo[s]) !== JSON.stringify(yo[s])) out.push(`${k}.${s}`);
    }
  }
  return out;
}

/** Splits changed keys into those applied live and those that need a restart (RESTART_KEYS). */
export function diffConfig(prev: Config, next: Config): { live: string[]; restart: string[] } {
  const live: string[] = [], restart: string[] = [];
  for (const k of changedKeys(prev, next)) {
    const needsRestart = RESTART_KEYS.some((r) => k === r || k.startsWith(`${r}.`));
    (needsRestart ? restart : live).push(k);
  }
  return { live, restart };
}

const tmpPrefix = (file: string): string => `.${path.basename(file)}.tmp-`;

/** Removes temp files a killed writer left behind; they were never renamed, so never visible. */
async function removeStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = tmpPrefix(file);
  for (const name of await readdir(dir)) {
    if (name.startsWith(prefix) && !name.startsWith(`${prefix}${process.pid}-`)) {
      await unlink(path.join(dir, name)).catch(() => undefined);
    }
  }
}

/**
 * Replaces `file` with `data` so that a crash at any point leaves either the old or the new
 * content: write + fsync a temp file in the same directory, rename over the target (atomic on
 * POSIX file systems), then fsync the directory so the rename itself is durable.
 * The file keeps the mode of the file it replaces, else `mode`.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  const keepMode = await stat(file).then((s) => s.mode & 0o777, () => mode);
  const tmp = path.join(dir, `${tmpPrefix(file)}${process.pid}-${randomBytes(6).toString('hex')}`);
  const fh = await open(tmp, 'wx', keepMode);
  try {
    await fh.writeFile(data);
    await fh.chmod(keepMode);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
  await removeStaleTemps(file);
}

/**
 * Validates `raw` (a whole config document) and writes it to `file` atomically.
 * @throws ConfigError (GW_ERR_CONFIG) naming the first invalid key; the file is then untouched.
 */
export async function saveConfig(file: string, raw: unknown): Promise<Config> {
  const cfg = validateConfig(raw, { file });
  await writeFileAtomic(file, JSON.stringify(configDocument(cfg), null, 2) + '\n');
  return cfg;
}
