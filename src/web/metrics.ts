// Web layer: Prometheus text exposition (format 0.0.4) of a GatewayStatus snapshot. Written by
// hand rather than with prom-client: the figures already live in the gateway, we only render one
// snapshot per scrape, and a registry of mutable metrics would duplicate that state.
// Must not compute figures itself; every number comes from the status passed in.
import { DESTINATION_STATES, type GatewayStatus } from './types.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Kind = 'gauge' | 'counter';
type Labels = Record<string, string>;

/** Prometheus label value escaping: backslash, double quote and line feed. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, kind: Kind, help: string, samples: Array<[Labels, number]>): void {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${kind}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      this.lines.push(`${name}${l ? `{${l}}` : ''} ${fmt(value)}`);
    }
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

function gatewayFamilies(e: Exposition, s: GatewayStatus, ready: boolean): void {
  e.family('pacsgate_info', 'gauge', 'Build and identity of this gateway (always 1).', [[{ version: s.version, ae_title: s.aeTitle }, 1]]);
  e.family('pacsgate_ready', 'gauge', '1 when /readyz answers 200.', [[{}, ready ? 1 : 0]]);
  e.family('pacsgate_uptime_seconds', 'gauge', 'Seconds since the daemon started.', [[{}, s.uptimeSeconds]]);
  e.family('pacsgate_spool_used_bytes', 'gauge', 'Bytes used by the spool.', [[{}, s.spool.bytesUsed]]);
  e.family('pacsgate_spool_max_bytes', 'gauge', 'Spool size limit in bytes.', [[{}, s.spool.bytesMax]]);
  e.family('pacsgate_spool_instances', 'gauge', 'Instances held in the spool.', [[{}, s.spool.instances]]);
  e.family('pacsgate_received_instances_total', 'counter', 'Instances received and committed.', [[{}, s.received.instances]]);
  e.family('pacsgate_received_bytes_total', 'counter', 'Bytes of instances received and committed.', [[{}, s.received.bytes]]);
  e.family('pacsgate_received_failed_total', 'counter', 'C-STORE requests answered with a failure status.', [[{}, s.received.failed]]);
  e.family('pacsgate_associations_active', 'gauge', 'Inbound DICOM associations open now.', [[{}, s.associations.active]]);
  e.family('pacsgate_associations_total', 'counter', 'Inbound DICOM associations accepted.', [[{}, s.associations.total]]);
  e.family('pacsgate_associations_rejected_total', 'counter', 'Inbound DICOM associations rejected.', [[{}, s.associations.rejected]]);
  const oldest = Math.max(0, ...s.destinations.map((d) => d.oldestQueuedAgeSeconds ?? 0));
  e.family('pacsgate_oldest_queued_age_seconds', 'gauge', 'Age of the oldest queued instance over all destinations (0: none queued).', [[{}, oldest]]);
}

function destinationFamilies(e: Exposition, s: GatewayStatus): void {
  const per = (pick: (d: GatewayStatus['destinations'][number]) => number): Array<[Labels, number]> =>
    s.destinations.map((d) => [{ destination: d.name }, pick(d)]);
  e.family('pacsgate_destination_queued', 'gauge', 'Instances waiting for this destination.', per((d) => d.queued));
  e.family('pacsgate_destination_forwarded_total', 'counter', 'Instances delivered to this destination.', per((d) => d.forwarded));
  e.family('pacsgate_destination_failed_total', 'counter', 'Failed delivery attempts to this destination.', per((d) => d.failed));
  e.family('pacsgate_destination_connect_attempts_total', 'counter', 'Association attempts to this destination.', per((d) => d.connectAttempts));
  e.family('pacsgate_destination_dead_letter', 'gauge', 'Instances parked in the dead-letter list.', per((d) => d.deadLetter));
  e.family(
    'pacsgate_destination_oldest_queued_age_seconds', 'gauge',
    'Age of the oldest instance queued for this destination (0: none queued).', per((d) => d.oldestQueuedAgeSeconds ?? 0),
  );
  const states: Array<[Labels, number]> = [];
  for (const d of s.destinations) {
    for (const st of DESTINATION_STATES) states.push([{ destination: d.name, state: st }, d.state === st ? 1 : 0]);
  }
  e.family('pacsgate_destination_state', 'gauge', 'Current state of the destination worker (1 for the current state).', states);
  const withSuccess = s.destinations.filter((d) => d.lastSuccessAt !== null);
  e.family(
    'pacsgate_destination_last_success_timestamp_seconds', 'gauge', 'Unix time of the last delivery to this destination.',
    withSuccess.map((d) => [{ destination: d.name }, Date.parse(d.lastSuccessAt as string) / 1000]),
  );
}

/** Renders the snapshot; per-destination series carry a `destination` label. */
export function renderMetrics(s: GatewayStatus, ready: boolean): string {
  const e = new Exposition();
  gatewayFamilies(e, s, ready);
  destinationFamilies(e, s);
  return e.text();
}
