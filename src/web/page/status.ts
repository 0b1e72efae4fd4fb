// Browser side of the web layer: polls /api/status, /api/dead-letters and /api/instances and renders
// them; receive and forward rates come from the difference between two successive polls.
// Must not show patient data (the API carries none) nor build markup from strings.
import type { DeadLetter, GatewayStatus, RecentInstance } from '../types.js';
import { api } from './api.js';
import { byId, fillTable, formatAge, formatBytes, formatTime, h, setText } from './dom.js';

export const POLL_MS = 2000;

interface Sample {
  t: number;
  received: number;
  receivedBytes: number;
  forwarded: number;
}

let prev: Sample | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Per-second rates between two polls; null until there are two. */
export function rates(a: Sample | null, b: Sample): { instances: number; bytes: number; forwarded: number } | null {
  if (!a || b.t <= a.t) return null;
  const dt = (b.t - a.t) / 1000;
  return {
    instances: Math.max(0, b.received - a.received) / dt,
    bytes: Math.max(0, b.receivedBytes - a.receivedBytes) / dt,
    forwarded: Math.max(0, b.forwarded - a.forwarded) / dt,
  };
}

function renderSummary(s: GatewayStatus): void {
  setText('identity', `${s.aeTitle} · DICOM port ${s.dicomPort} · v${s.version}`);
  const meter = byId<HTMLMeterElement>('spool-meter');
  meter.max = Math.max(1, s.spool.bytesMax);
  meter.value = s.spool.bytesUsed;
  const pct = s.spool.bytesMax ? ` (${((100 * s.spool.bytesUsed) / s.spool.bytesMax).toFixed(1)} %)` : '';
  setText('spool-text', `${formatBytes(s.spool.bytesUsed)} of ${formatBytes(s.spool.bytesMax)}${pct}, ${s.spool.instances} instances`);
  setText('recv-text', `${s.received.instances} instances, ${formatBytes(s.received.bytes)}, ${s.received.failed} failed`);
  const forwarded = s.destinations.reduce((n, d) => n + d.forwarded, 0);
  setText('fwd-text', `${forwarded} instances`);
  setText('assoc-text', `${s.associations.active} open, ${s.associations.total} total, ${s.associations.rejected} rejected`);
  const now: Sample = { t: Date.now(), received: s.received.instances, receivedBytes: s.received.bytes, forwarded };
  const r = rates(prev, now);
  prev = now;
  setText('recv-rate', r ? `${r.instances.toFixed(1)} instances/s, ${formatBytes(r.bytes)}/s` : 'rate: measuring…');
  setText('fwd-rate', r ? `${r.forwarded.toFixed(1)} instances/s` : 'rate: measuring…');
}

function renderDestinations(s: GatewayStatus): void {
  fillTable('dest-table', s.destinations.map((d) => h('tr', {},
    h('td', {}, d.name), h('td', {}, `${d.aeTitle}@${d.host}:${d.port}`), h('td', {}, d.state),
    h('td', {}, String(d.queued)), h('td', {}, formatAge(d.oldestQueuedAgeSeconds)), h('td', {}, String(d.forwarded)),
    h('td', {}, String(d.failed)), h('td', {}, String(d.deadLetter)), h('td', { class: 'wrap' }, d.lastError ?? '–'),
  )), 'No destinations configured: instances stay in the spool.');
}

function deadLetterRow(d: DeadLetter): HTMLElement {
  const path = `/api/dead-letters/${encodeURIComponent(d.destination)}/${d.id}`;
  const act = (label: string, method: string, url: string): HTMLElement => {
    const b = h('button', { type: 'button', class: 'secondary', 'aria-label': `${label} dead letter ${d.id} for ${d.destination}` }, label);
    b.addEventListener('click', () => void api(method, url).then(refresh, (e: Error) => setText('notice', e.message)));
    return b;
  };
  const status = d.lastStatus === null ? '' : ` (0x${d.lastStatus.toString(16).padStart(4, '0')})`;
  return h('tr', {}, h('td', {}, d.destination), h('td', {}, formatTime(d.at)), h('td', {}, d.sopClassUid),
    h('td', {}, String(d.attempts)), h('td', { class: 'wrap' }, d.lastError + status),
    h('td', {}, act('Retry', 'POST', `${path}/retry`), ' ', act('Discard', 'DELETE', path)));
}

function instanceRow(i: RecentInstance): HTMLElement {
  return h('tr', {}, h('td', {}, formatTime(i.receivedAt)), h('td', { title: i.sopClassUid }, i.sopClassName || i.sopClassUid),
    h('td', {}, i.modality ?? '–'), h('td', {}, formatBytes(i.bytes)), h('td', {}, i.callingAe), h('td', {}, i.status),
    h('td', {}, i.destinations.map((d) => `${d.name}: ${d.state}`).join(', ') || '–'));
}

export async function refresh(): Promise<void> {
  const [s, dl, inst] = await Promise.all([
    api<GatewayStatus>('GET', '/api/status'),
    api<{ deadLetters: DeadLetter[] }>('GET', '/api/dead-letters'),
    api<{ instances: RecentInstance[] }>('GET', '/api/instances'),
  ]);
  renderSummary(s);
  renderDestinations(s);
  fillTable('dl-table', dl.deadLetters.map(deadLetterRow), 'No dead letters.');
  fillTable('inst-table', inst.instances.map(instanceRow), 'Nothing received yet.');
}

export function startPolling(): void {
  stopPolling();
  const tick = (): void => {
    // A hidden tab does not poll (a Raspberry Pi serves it); it catches up when shown again.
    if (document.hidden) {
      if (timer !== undefined) timer = setTimeout(tick, POLL_MS);
      return;
    }
    refresh().then(
      () => setText('notice', ''),
      (e: Error) => setText('notice', `Status unavailable: ${e.message}`),
    ).finally(() => {
      if (timer !== undefined) timer = setTimeout(tick, POLL_MS);
    });
  };
  timer = setTimeout(tick, 0);
}

export function stopPolling(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
}
