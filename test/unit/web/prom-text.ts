// A small strict parser for the Prometheus text exposition format 0.0.4, for tests: it rejects
// anything the format does not allow (bad names, bad escapes, samples before their TYPE,
// interleaved or duplicate families and series, missing final newline).

export interface Sample { name: string; labels: Record<string, string>; value: number }
export interface Family { name: string; type: string; help: string | null; samples: Sample[] }

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(s: string, line: number): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`line ${line}: bad value ${JSON.stringify(s)}`);
  return Number(s);
}

function parseLabels(s: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 0;
  for (;;) {
    if (s[i] === '}') return { labels, rest: s.slice(i + 1) };
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without =`);
    const name = s.slice(i, eq);
    if (!LABEL.test(name) || name.startsWith('__')) throw new Error(`line ${line}: bad label name ${name}`);
    if (name in labels) throw new Error(`line ${line}: duplicate label ${name}`);
    if (s[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let v = '';
    let j = eq + 2;
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\n') throw new Error(`line ${line}: raw newline in label`);
      if (s[j] !== '\\') { v += s[j]; continue; }
      const e = s[++j];
      if (e === '\\') v += '\\';
      else if (e === '"') v += '"';
      else if (e === 'n') v += '\n';
      else throw new Error(`line ${line}: bad escape \\${e}`);
    }
    if (j >= s.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = v;
    i = j + 1;
    if (s[i] === ',') i++;
    else if (s[i] !== '}') throw new Error(`line ${line}: expected , or } after label`);
  }
}

/** Family name of a sample: histogram/summary suffixes map back to their family. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  if (families.has(name)) return families.get(name);
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const f = families.get(base);
  return f && (f.type === 'histogram' || f.type === 'summary') ? f : undefined;
}

export function parsePrometheus(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: Family | null = null;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    if (raw === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name ${name}`);
      let f = families.get(name);
      if (f && f !== current) throw new Error(`line ${n}: family ${name} is not contiguous`);
      if (!f) {
        f = { name, type: 'untyped', help: null, samples: [] };
        families.set(name, f);
      }
      if (f.samples.length) throw new Error(`line ${n}: ${kind} after samples of ${name}`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${n}: bad type ${rest}`);
        if (f.type !== 'untyped') throw new Error(`line ${n}: second TYPE for ${name}`);
        f.type = rest;
      } else {
        if (f.help !== null) throw new Error(`line ${n}: second HELP for ${name}`);
        f.help = rest;
      }
      current = f;
      return;
    }
    if (raw.startsWith('#')) return;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw)?.[0];
    if (!name) throw new Error(`line ${n}: bad sample line ${JSON.stringify(raw)}`);
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest.slice(1), n));
    const parts = rest.split(' ');
    if (parts[0] !== '' || parts.length < 2 || parts.length > 3) throw new Error(`line ${n}: expected " value [timestamp]"`);
    const value = parseValue(parts[1], n);
    if (parts[2] !== undefined && !/^-?\d+$/.test(parts[2])) throw new Error(`line ${n}: bad timestamp`);
    const f = familyOf(name, families);
    if (!f || f !== current) throw new Error(`line ${n}: sample ${name} outside its family (TYPE first, contiguous)`);
    if (f.type === 'counter' && !(value >= 0)) throw new Error(`line ${n}: counter ${name} negative or NaN`);
    const key = name + JSON.stringify(Object.entries(labels).sort());
    if (seen.has(key)) throw new Error(`line ${n}: duplicate series ${key}`);
    seen.add(key);
    f.samples.push({ name, labels, value });
  });
  return families;
}

/** The single value of `name` whose labels include `labels`; throws when absent or ambiguous. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const f = familyOf(name, families);
  const hits = (f?.samples ?? []).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${hits.length} samples`);
  return hits[0].value;
}
