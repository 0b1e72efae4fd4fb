// Browser side of the web layer: tiny DOM helpers. Text goes in with textContent only, so strings
// from peers (error messages, AE titles) can never become markup. Must not import Node modules.

type Attrs = Record<string, string | boolean | undefined>;

/** Creates an element; `true` sets a boolean attribute, `false`/undefined leaves it out. */
export function h(tag: string, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === true) el.setAttribute(k, '');
    else if (typeof v === 'string') el.setAttribute(k, v);
  }
  for (const c of children) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} missing`);
  return el as T;
}

export function setText(id: string, text: string): void {
  byId(id).textContent = text;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatAge(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Replaces a table body's rows; an empty list shows one row saying so. */
export function fillTable(tableId: string, rows: HTMLElement[], emptyText: string): void {
  const body = byId(tableId).querySelector('tbody') as HTMLTableSectionElement;
  const cols = byId(tableId).querySelectorAll('thead th').length;
  body.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: String(cols), class: 'muted' }, emptyText))]));
}

export function notice(text: string): void {
  setText('notice', text);
}
