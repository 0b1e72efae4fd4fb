// Validation of a parsed config object. Pure functions with no Node imports, so the web page can
// run the same checks in the browser. Every failure is a ConfigError naming key, expectation, value.
import { ConfigError } from '../errors.js';
import { LOG_LEVELS, OPENABLE_PATHS, type Config, type HttpConfig, type OpenablePath, type DestinationConfig, type RouteConfig, type AllowEntry } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** PS3.5 §6.2, VR AE: 1–16 characters of the default repertoire, no backslash, no control characters. */
export function checkAeTitle(key: string, v: unknown): string {
  if (typeof v !== 'string') throw new ConfigError(key, 'an AE title string', v);
  const t = v.trim();
  if (t.length < 1 || t.length > 16 || !/^[\x20-\x7e]+$/.test(t) || t.includes('\\')) {
    throw new ConfigError(key, 'an AE title of 1-16 printable ASCII characters without backslash', v);
  }
  return t;
}

export function checkPort(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new ConfigError(key, 'a TCP port 0-65535 (0: any free port)', v);
  }
  return v;
}

export function checkInt(key: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(key, `an integer from ${min} to ${max}`, v);
  }
  return v;
}

export function checkString(key: string, v: unknown, pattern?: RegExp, what = 'a non-empty string'): string {
  if (typeof v !== 'string' || v.length === 0 || (pattern && !pattern.test(v))) throw new ConfigError(key, what, v);
  return v;
}

export function checkHost(key: string, v: unknown): string {
  return checkString(key, v, /^[A-Za-z0-9.:_\-[\]%]+$/, 'a host name or IP address');
}

const UID_RE = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
/** PS3.5 §9.1: UID components, at most 64 characters. */
export function checkUid(key: string, v: unknown): string {
  const s = checkString(key, v, UID_RE, 'a DICOM UID (digits and dots)');
  if (s.length > 64) throw new ConfigError(key, 'a UID of at most 64 characters', v);
  return s;
}

function checkUidList(key: string, v: unknown): string[] {
  if (!Array.isArray(v)) throw new ConfigError(key, 'an array of UIDs', v);
  return v.map((u, i) => checkUid(`${key}[${i}]`, u));
}

function checkKeys(key: string, o: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ConfigError(`${key}.${k}`.replace(/^\./, ''), `one of ${allowed.join(', ')}`, k);
  }
}

/** Parses "AET@HOST:PORT" (CONTRACT.md `PACSGATE_DESTINATION`, CLI peers). */
export function parsePeer(key: string, s: unknown): { aeTitle: string; host: string; port: number } {
  if (typeof s !== 'string') throw new ConfigError(key, 'AET@HOST:PORT', s);
  const m = /^([^@]+)@(\[[^\]]+\]|[^:]+):(\d+)$/.exec(s.trim());
  if (!m) throw new ConfigError(key, 'AET@HOST:PORT', s);
  return {
    aeTitle: checkAeTitle(key, m[1]),
    host: checkHost(key, m[2].replace(/^\[|\]$/g, '')),
    port: checkPort(key, Number(m[3])),
  };
}

function checkAllow(key: string, v: unknown): AllowEntry[] {
  if (!Array.isArray(v)) throw new ConfigError(key, 'an array of {aeTitle, host?}', v);
  return v.map((e, i) => {
    const k = `${key}[${i}]`;
    if (!isObj(e)) throw new ConfigError(k, 'an object {aeTitle, host?}', e);
    checkKeys(k, e, ['aeTitle', 'host']);
    const out: AllowEntry = { aeTitle: e.aeTitle === '*' ? '*' : checkAeTitle(`${k}.aeTitle`, e.aeTitle) };
    if (e.host !== undefined) out.host = checkHost(`${k}.host`, e.host);
    return out;
  });
}

function checkDestination(key: string, e: unknown, ownAe: string): DestinationConfig {
  if (!isObj(e)) throw new ConfigError(key, 'a destination object', e);
  checkKeys(key, e, ['name', 'aeTitle', 'host', 'port', 'callingAeTitle', 'maxPduLength', 'transferSyntaxes', 'concurrency', 'compress']);
  if (e.compress !== undefined && e.compress !== null && e.compress !== 'jpeg-lossless' && e.compress !== 'rle') {
    throw new ConfigError(`${key}.compress`, '"jpeg-lossless", "rle" or null', e.compress);
  }
  return {
    ...(e.compress ? { compress: e.compress as 'jpeg-lossless' | 'rle' } : {}),
    name: checkString(`${key}.name`, e.name, /^[A-Za-z0-9_.-]{1,64}$/, 'a name of 1-64 letters, digits, _ . -'),
    aeTitle: checkAeTitle(`${key}.aeTitle`, e.aeTitle),
    host: checkHost(`${key}.host`, e.host),
    port: checkInt(`${key}.port`, e.port, 1, 65535),
    callingAeTitle: e.callingAeTitle === undefined ? ownAe : checkAeTitle(`${key}.callingAeTitle`, e.callingAeTitle),
    maxPduLength: e.maxPduLength === undefined ? 256 * 1024 : checkInt(`${key}.maxPduLength`, e.maxPduLength, 4096, 16 * 1024 * 1024),
    transferSyntaxes: e.transferSyntaxes === undefined ? [] : checkUidList(`${key}.transferSyntaxes`, e.transferSyntaxes),
    concurrency: e.concurrency === undefined ? 1 : checkInt(`${key}.concurrency`, e.concurrency, 1, 16),
  };
}

function checkRoute(key: string, e: unknown, names: Set<string>): RouteConfig {
  if (!isObj(e)) throw new ConfigError(key, 'a route object', e);
  checkKeys(key, e, ['destinations', 'callingAeTitle', 'calledAeTitle', 'modality', 'sopClassUid']);
  if (!Array.isArray(e.destinations) || e.destinations.length === 0) {
    throw new ConfigError(`${key}.destinations`, 'a non-empty array of destination names', e.destinations);
  }
  const r: RouteConfig = {
    destinations: e.destinations.map((d, i) => {
      const n = checkString(`${key}.destinations[${i}]`, d);
      if (!names.has(n)) throw new ConfigError(`${key}.destinations[${i}]`, `a configured destination (${[...names].join(', ') || 'none configured'})`, d);
      return n;
    }),
  };
  // Match fields are glob patterns ('*' and '?'), compared case-sensitively as DICOM values are.
  for (const f of ['callingAeTitle', 'calledAeTitle', 'modality', 'sopClassUid'] as const) {
    if (e[f] !== undefined) r[f] = checkString(`${key}.${f}`, e[f], /^[\x20-\x7e]{1,64}$/, 'a pattern of 1-64 printable characters');
  }
  return r;
}

/** http.tls: PEM file paths for HTTPS. */
function checkTls(key: string, v: unknown): HttpConfig['tls'] {
  if (v === null || v === undefined) return null;
  if (!isObj(v)) throw new ConfigError(key, 'null or {cert, key} PEM file paths', v);
  checkKeys(key, v, ['cert', 'key']);
  return { cert: checkString(`${key}.cert`, v.cert), key: checkString(`${key}.key`, v.key) };
}

function checkHeartbeat(key: string, v: unknown): HttpConfig['heartbeat'] {
  if (v === null || v === undefined) return null;
  if (!isObj(v)) throw new ConfigError(key, 'null or {url, intervalSeconds}', v);
  checkKeys(key, v, ['url', 'intervalSeconds']);
  return {
    url: checkString(`${key}.url`, v.url, /^https?:\/\/[^\s]+$/, 'an http:// or https:// URL'),
    intervalSeconds: checkInt(`${key}.intervalSeconds`, v.intervalSeconds, 5, 86400),
  };
}

/** The http section; keys added after the first release are optional and take their defaults. */
function checkHttp(h: Obj): HttpConfig {
  checkKeys('http', h, ['host', 'port', 'login', 'open', 'tls', 'metricsToken', 'heartbeat']);
  const login = h.login ?? 'auto';
  if (login !== 'auto' && login !== 'required') throw new ConfigError('http.login', '"auto" or "required"', h.login);
  const open = h.open ?? ['/healthz', '/readyz', '/metrics'];
  if (!Array.isArray(open)) throw new ConfigError('http.open', `an array of ${OPENABLE_PATHS.join(', ')}`, open);
  open.forEach((p, i) => {
    if (!OPENABLE_PATHS.includes(p as never)) throw new ConfigError(`http.open[${i}]`, `one of ${OPENABLE_PATHS.join(', ')}`, p);
  });
  const token = h.metricsToken ?? null;
  return {
    host: checkHost('http.host', h.host),
    port: checkPort('http.port', h.port),
    login,
    open: [...new Set(open as OpenablePath[])],
    tls: checkTls('http.tls', h.tls),
    metricsToken: token === null ? null : checkString('http.metricsToken', token, /^[\x21-\x7e]{16,256}$/, 'null or 16-256 printable characters without spaces'),
    heartbeat: checkHeartbeat('http.heartbeat', h.heartbeat),
  };
}

const TOP_KEYS = ['aeTitle', 'dicom', 'http', 'spool', 'destinations', 'routes', 'log'] as const;
const DICOM_KEYS = [
  'host', 'port', 'maxPduLength', 'calledAeCheck', 'allow', 'maxAssociations', 'maxAssociationsPerAe',
  'idleTimeoutSeconds', 'artimTimeoutSeconds', 'transferSyntaxes', 'extraSopClasses',
] as const;

/** Validates a full (defaults already merged) config object and returns it normalised. */
export function validateConfig(raw: unknown, source: { file: string | null }): Config {
  if (!isObj(raw)) throw new ConfigError('(root)', 'a JSON object', raw);
  checkKeys('', raw, TOP_KEYS);
  const d = raw.dicom, h = raw.http, s = raw.spool, l = raw.log;
  if (!isObj(d)) throw new ConfigError('dicom', 'an object', d);
  if (!isObj(h)) throw new ConfigError('http', 'an object', h);
  if (!isObj(s)) throw new ConfigError('spool', 'an object', s);
  if (!isObj(l)) throw new ConfigError('log', 'an object', l);
  checkKeys('dicom', d, DICOM_KEYS);
  checkKeys('spool', s, ['dir', 'maxBytes', 'retentionSeconds']);
  checkKeys('log', l, ['level']);
  const aeTitle = checkAeTitle('aeTitle', raw.aeTitle);
  if (d.calledAeCheck !== 'strict' && d.calledAeCheck !== 'any') {
    throw new ConfigError('dicom.calledAeCheck', '"strict" or "any"', d.calledAeCheck);
  }
  if (!LOG_LEVELS.includes(l.level as never)) throw new ConfigError('log.level', LOG_LEVELS.join(', '), l.level);
  if (!Array.isArray(raw.destinations)) throw new ConfigError('destinations', 'an array', raw.destinations);
  if (!Array.isArray(raw.routes)) throw new ConfigError('routes', 'an array', raw.routes);
  const destinations = raw.destinations.map((e, i) => checkDestination(`destinations[${i}]`, e, aeTitle));
  const names = new Set<string>();
  destinations.forEach((dst, i) => {
    if (names.has(dst.name)) throw new ConfigError(`destinations[${i}].name`, 'a name not used by another destination', dst.name);
    names.add(dst.name);
  });
  return {
    aeTitle,
    dicom: {
      host: checkHost('dicom.host', d.host),
      port: checkPort('dicom.port', d.port),
      maxPduLength: checkInt('dicom.maxPduLength', d.maxPduLength, 4096, 16 * 1024 * 1024),
      calledAeCheck: d.calledAeCheck,
      allow: checkAllow('dicom.allow', d.allow),
      maxAssociations: checkInt('dicom.maxAssociations', d.maxAssociations, 1, 1024),
      maxAssociationsPerAe: checkInt('dicom.maxAssociationsPerAe', d.maxAssociationsPerAe, 1, 1024),
      idleTimeoutSeconds: checkInt('dicom.idleTimeoutSeconds', d.idleTimeoutSeconds, 1, 86400),
      artimTimeoutSeconds: checkInt('dicom.artimTimeoutSeconds', d.artimTimeoutSeconds, 1, 3600),
      transferSyntaxes: checkUidList('dicom.transferSyntaxes', d.transferSyntaxes),
      extraSopClasses: checkUidList('dicom.extraSopClasses', d.extraSopClasses),
    },
    http: checkHttp(h),
    spool: {
      dir: checkString('spool.dir', s.dir),
      maxBytes: s.maxBytes === null ? null : checkInt('spool.maxBytes', s.maxBytes, 1024 * 1024, Number.MAX_SAFE_INTEGER),
      retentionSeconds: checkInt('spool.retentionSeconds', s.retentionSeconds, 0, 365 * 86400),
    },
    destinations,
    routes: raw.routes.map((e, i) => checkRoute(`routes[${i}]`, e, names)),
    log: { level: l.level as Config['log']['level'] },
    source,
  };
}
