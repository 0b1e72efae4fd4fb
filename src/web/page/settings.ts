// Browser side of the web layer: the settings form. Reads the form into a config document, checks
// it with the server's own schema module (config/schema.js, served as-is), saves via PUT /api/config.
// Must not carry validation rules of its own.
import { validateConfig } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';
import { api, ApiError } from './api.js';
import { byId, h } from './dom.js';
import { clearFieldErrors, showFieldError, shortMessage } from './fields.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type RowKind = 'destinations' | 'routes' | 'allow';

interface FieldSpec {
  name: string;
  label: string;
  numeric?: boolean;
  optional?: boolean;
  list?: boolean;
}

const ROW_FIELDS: Record<RowKind, FieldSpec[]> = {
  destinations: [
    { name: 'name', label: 'Name' },
    { name: 'aeTitle', label: 'AE title' },
    { name: 'host', label: 'Host' },
    { name: 'port', label: 'Port', numeric: true },
    { name: 'callingAeTitle', label: 'Calling AE (empty: own)', optional: true },
    { name: 'concurrency', label: 'Parallel associations (empty: 1)', numeric: true, optional: true },
    { name: 'compress', label: 'Compress for the WAN (jpeg-lossless, rle or empty)', optional: true },
    { name: 'transferSyntaxes', label: 'Fallback transfer syntax UIDs (comma-separated; empty: Explicit then Implicit VR LE)', list: true, optional: true },
  ],
  routes: [
    { name: 'destinations', label: 'To destinations (comma-separated)', list: true },
    { name: 'callingAeTitle', label: 'Calling AE pattern', optional: true },
    { name: 'modality', label: 'Modality pattern', optional: true },
    { name: 'sopClassUid', label: 'SOP class UID pattern', optional: true },
  ],
  allow: [
    { name: 'aeTitle', label: 'Calling AE (* for any)' },
    { name: 'host', label: 'IP address (optional)', optional: true },
  ],
};
const KEY_PREFIX: Record<RowKind, string> = { destinations: 'destinations', routes: 'routes', allow: 'dicom.allow' };

let loaded: Doc = {};
let rowSeq = 0;

/** "123" → 123 so the schema sees a number; anything else stays a string and fails with its message. */
function num(v: string): number | string | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

function rowValue(spec: FieldSpec, raw: string): unknown {
  if (spec.list) {
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    return spec.optional && items.length === 0 ? undefined : items;
  }
  if (spec.numeric) return num(raw);
  return spec.optional && raw.trim() === '' ? undefined : raw;
}

function addRow(kind: RowKind, values: Doc = {}): HTMLElement {
  const id = ++rowSeq;
  const row = h('div', { class: 'row', 'data-kind': kind });
  (row as HTMLElement & { original?: Doc }).original = values;
  for (const f of ROW_FIELDS[kind]) {
    const inputId = `r${id}-${f.name}`;
    const v = values[f.name];
    const input = h('input', { id: inputId, 'data-field': f.name, autocomplete: 'off', inputmode: f.numeric ? 'numeric' : undefined }) as HTMLInputElement;
    input.value = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v);
    row.append(h('div', { class: 'field' }, h('label', { for: inputId }, f.label), input, h('span', { class: 'err' })));
  }
  const actions = h('div', { class: 'row-actions' });
  const result = h('span', { class: 'echo-result', role: 'status', 'aria-live': 'polite' });
  if (kind === 'destinations') {
    const test = h('button', { type: 'button', class: 'secondary' }, 'Test');
    test.addEventListener('click', () => void echoTest(row, result));
    actions.append(test);
  }
  const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove');
  remove.setAttribute('aria-label', `Remove this ${kind === 'allow' ? 'caller' : kind === 'routes' ? 'rule' : 'destination'}`);
  remove.addEventListener('click', () => row.remove());
  actions.append(remove);
  if (kind === 'destinations') actions.append(result);
  row.append(actions);
  byId(kind).append(row);
  return row;
}

function rowField(row: HTMLElement, name: string): HTMLInputElement {
  return row.querySelector(`input[data-field="${name}"]`) as HTMLInputElement;
}

/** Reads every row of a kind into objects, (re)numbering the inputs' data-key as it goes. */
function readRows(kind: RowKind): Doc[] {
  const rows = [...byId(kind).querySelectorAll<HTMLElement>('.row')];
  return rows.map((row, i) => {
    const out: Doc = { ...((row as HTMLElement & { original?: Doc }).original ?? {}) };
    for (const f of ROW_FIELDS[kind]) {
      const input = rowField(row, f.name);
      input.dataset.key = `${KEY_PREFIX[kind]}[${i}].${f.name}`;
      const v = rowValue(f, input.value);
      if (v === undefined) delete out[f.name];
      else out[f.name] = v;
    }
    return out;
  });
}

/** The config document the form describes: the loaded one with the edited parts replaced. */
export function readForm(): Doc {
  const doc: Doc = structuredClone(loaded);
  doc.aeTitle = byId<HTMLInputElement>('f-aeTitle').value;
  doc.dicom.port = num(byId<HTMLInputElement>('f-dicomPort').value);
  const mib = num(byId<HTMLInputElement>('f-spoolMax').value);
  doc.spool.maxBytes = mib === undefined ? null : typeof mib === 'number' ? mib * 1024 * 1024 : mib;
  doc.destinations = readRows('destinations');
  doc.routes = readRows('routes');
  doc.dicom.allow = readRows('allow');
  return doc;
}

export function fillForm(doc: Doc): void {
  loaded = doc;
  byId<HTMLInputElement>('f-aeTitle').value = doc.aeTitle;
  byId<HTMLInputElement>('f-dicomPort').value = String(doc.dicom.port);
  byId<HTMLInputElement>('f-spoolMax').value = doc.spool.maxBytes === null ? '' : String(doc.spool.maxBytes / 1024 / 1024);
  for (const kind of ['destinations', 'routes', 'allow'] as const) byId(kind).replaceChildren();
  for (const d of doc.destinations) addRow('destinations', d);
  for (const r of doc.routes) addRow('routes', r);
  for (const a of doc.dicom.allow) addRow('allow', a);
}

/** Same checks as the server; shows the first problem next to its field. */
function validateForm(form: HTMLElement): Doc | null {
  clearFieldErrors(form);
  const doc = readForm();
  try {
    validateConfig(doc, { file: null });
    return doc;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (!showFieldError(form, err.key, err.message)) byId('save-result').textContent = err.message;
    return null;
  }
}

async function save(form: HTMLElement): Promise<void> {
  const out = byId('save-result');
  out.textContent = '';
  const doc = validateForm(form);
  if (!doc) return;
  try {
    const r = await api<{ applied: string[]; restartRequired: string[]; file: string; config: Doc }>('PUT', '/api/config', doc);
    fillForm(r.config);
    const parts = [`Saved to ${r.file}.`];
    if (r.applied.length) parts.push(`Applied now: ${r.applied.join(', ')}.`);
    if (r.restartRequired.length) parts.push(`Takes effect after a restart: ${r.restartRequired.join(', ')}.`);
    if (!r.applied.length && !r.restartRequired.length) parts.push('Nothing changed.');
    out.textContent = parts.join(' ');
  } catch (err) {
    if (err instanceof ApiError && err.body.key && showFieldError(form, err.body.key, err.body.message)) return;
    out.textContent = `Not saved: ${(err as Error).message}`;
  }
}

async function echoTest(row: HTMLElement, result: HTMLElement): Promise<void> {
  clearFieldErrors(row);
  result.className = 'echo-result';
  result.textContent = 'Testing…';
  const peer = {
    aeTitle: rowField(row, 'aeTitle').value,
    host: rowField(row, 'host').value,
    port: num(rowField(row, 'port').value),
    callingAeTitle: rowField(row, 'callingAeTitle').value || undefined,
  };
  try {
    const r = await api<{ ok: boolean; status?: number; error?: string; ms: number }>('POST', '/api/echo', peer);
    result.classList.add(r.ok ? 'ok' : 'bad');
    const status = r.status === undefined ? '' : `status 0x${r.status.toString(16).padStart(4, '0')}, `;
    result.textContent = r.ok ? `Echo OK (${status}${r.ms} ms)` : `Echo failed: ${r.error ?? status} (${r.ms} ms)`;
  } catch (err) {
    result.classList.add('bad');
    const key = err instanceof ApiError ? err.body.key : undefined;
    if (key) {
      const input = row.querySelector<HTMLInputElement>(`input[data-field="${key}"]`);
      if (input) input.dataset.key = key;
      showFieldError(row, key, (err as Error).message);
    }
    result.textContent = `Echo not sent: ${shortMessage((err as Error).message)}`;
  }
}

let wired = false;

/** Wires the form once (logging out and in again must not add a second set of listeners), then loads the config. */
export async function initSettings(): Promise<void> {
  if (!wired) wireForm();
  wired = true;
  const r = await api<{ config: Doc }>('GET', '/api/config');
  fillForm(r.config);
}

function wireForm(): void {
  const form = byId('settings-form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save(form);
  });
  byId('add-destination').addEventListener('click', () => rowField(addRow('destinations'), 'name').focus());
  byId('add-route').addEventListener('click', () => rowField(addRow('routes'), 'destinations').focus());
  byId('add-allow').addEventListener('click', () => rowField(addRow('allow'), 'aeTitle').focus());
}
