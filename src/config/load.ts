// Config loading: embedded defaults ← config file (JSON) ← environment (CONTRACT.md "Settings").
// Reads files and env only here; validation lives in schema.ts.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { defaultConfig } from './defaults.js';
import { validateConfig, parsePeer } from './schema.js';
import type { Config } from './types.js';

type Obj = Record<string, unknown>;

/** Objects merge key by key; arrays and scalars from `over` replace. */
export function mergeDeep(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = b && typeof b === 'object' && !Array.isArray(b) && v && typeof v === 'object' && !Array.isArray(v)
      ? mergeDeep(b as Obj, v as Obj)
      : v;
  }
  return out;
}

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v.trim())) throw new ConfigError(name, 'a non-negative integer', v);
  return Number(v.trim());
}

/** Applies the PACSGATE_* environment variables of CONTRACT.md on top of `cfg`. */
function applyEnv(cfg: Obj, env: NodeJS.ProcessEnv): Obj {
  const c = structuredClone(cfg) as Obj & { dicom: Obj; http: Obj; spool: Obj; log: Obj; destinations: unknown[] };
  if (env.PACSGATE_AE_TITLE) c.aeTitle = env.PACSGATE_AE_TITLE;
  if (env.PACSGATE_DICOM_HOST) c.dicom.host = env.PACSGATE_DICOM_HOST;
  const dp = envInt(env, 'PACSGATE_DICOM_PORT');
  if (dp !== undefined) c.dicom.port = dp;
  if (env.PACSGATE_HTTP_HOST) c.http.host = env.PACSGATE_HTTP_HOST;
  const hp = envInt(env, 'PACSGATE_HTTP_PORT');
  if (hp !== undefined) c.http.port = hp;
  if (env.PACSGATE_SPOOL_DIR) c.spool.dir = env.PACSGATE_SPOOL_DIR;
  const mb = envInt(env, 'PACSGATE_SPOOL_MAX_BYTES');
  if (mb !== undefined) c.spool.maxBytes = mb;
  if (env.PACSGATE_LOG_LEVEL) c.log.level = env.PACSGATE_LOG_LEVEL;
  if (env.PACSGATE_DESTINATION) {
    const p = parsePeer('PACSGATE_DESTINATION', env.PACSGATE_DESTINATION);
    // The env destination replaces a config-file destination of the same name, else is added.
    const dests = (c.destinations as Obj[]).filter((d) => d.name !== 'default');
    dests.push({ name: 'default', aeTitle: p.aeTitle, host: p.host, port: p.port });
    c.destinations = dests;
  }
  return c;
}

export interface LoadOptions {
  /** --config on the command line; wins over PACSGATE_CONFIG. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads and validates the effective configuration.
 * @throws ConfigError (GW_ERR_CONFIG) naming the key, what was expected and what was found.
 */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? (env.PACSGATE_CONFIG || undefined);
  const { source: _s, ...defaults } = defaultConfig();
  let merged: Obj = defaults as unknown as Obj;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError('config file', 'a readable file', `${file} (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError('config file', 'valid JSON', `${file}: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError('(root)', 'a JSON object', parsed);
    }
    merged = mergeDeep(merged, parsed as Obj);
  }
  return validateConfig(applyEnv(merged, env), { file: file ?? null });
}
