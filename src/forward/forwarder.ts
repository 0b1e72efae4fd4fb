// Forward layer: one Destination per configured destination; reconfigured live when the config
// changes (unchanged destinations keep running). Exposes the per-destination status for the web layer.
import type { DestinationConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { Destination, type DestinationDeps, type DestinationState } from './destination.js';

export interface DestinationStatus {
  name: string;
  aeTitle: string;
  host: string;
  port: number;
  /** Instances waiting in this destination's queue now (gauge). */
  queued: number;
  /** Instances delivered since the daemon started (counter). */
  forwarded: number;
  /** Failed delivery attempts since the daemon started (counter). */
  failed: number;
  /** Instances parked in the dead-letter list now (gauge). */
  deadLetter: number;
  state: DestinationState;
  lastError: string | null;
  oldestQueuedAgeSeconds: number | null;
  /** ISO 8601. */
  lastSuccessAt: string | null;
  /** Association attempts since start (shows a connect storm, or its absence, during an outage). */
  connectAttempts: number;
}

/** Read-only queue figures the status needs (Spool satisfies it). */
export interface QueueFigures {
  stats(): { queued: Record<string, number> };
  oldestQueuedAt(destination: string): number | undefined;
  listDead(destination?: string): unknown[];
}

export class Forwarder {
  private readonly dests = new Map<string, Destination>();
  private readonly log: Logger;

  constructor(private readonly deps: DestinationDeps & { spool: DestinationDeps['spool'] & QueueFigures }) {
    this.log = deps.log.child({ layer: 'forward' });
  }

  /** Starts, stops or restarts destinations to match `list`. */
  async configure(list: DestinationConfig[]): Promise<void> {
    const wanted = new Map(list.map((d) => [d.name, d]));
    for (const [name, d] of this.dests) {
      const next = wanted.get(name);
      if (!next || JSON.stringify(next) !== JSON.stringify(d.cfg)) {
        await d.stop();
        this.dests.delete(name);
      }
    }
    for (const cfg of list) {
      if (this.dests.has(cfg.name)) continue;
      const d = new Destination(cfg, this.deps);
      this.dests.set(cfg.name, d);
      d.start();
      this.log.info({ destination: cfg.name, aeTitle: cfg.aeTitle, host: cfg.host, port: cfg.port, concurrency: cfg.concurrency }, 'destination started');
    }
  }

  /** Is instance `id` on the wire to destination `name` now? (Its queue entry still says 'queued'.) */
  isSending(name: string, id: number): boolean {
    return this.dests.get(name)?.isSending(id) ?? false;
  }

  wake(names?: readonly string[]): void {
    for (const [name, d] of this.dests) if (!names || names.includes(name)) d.wake();
  }

  status(now = Date.now()): DestinationStatus[] {
    const queued = this.deps.spool.stats().queued;
    return [...this.dests.values()].map((d) => {
      const oldest = this.deps.spool.oldestQueuedAt(d.cfg.name);
      return {
        name: d.cfg.name, aeTitle: d.cfg.aeTitle, host: d.cfg.host, port: d.cfg.port,
        queued: queued[d.cfg.name] ?? 0,
        forwarded: d.forwarded,
        failed: d.failed,
        deadLetter: this.deps.spool.listDead(d.cfg.name).length,
        state: d.state,
        lastError: d.lastError,
        oldestQueuedAgeSeconds: oldest === undefined ? null : Math.max(0, Math.round((now - oldest) / 1000)),
        lastSuccessAt: d.lastSuccessAt === null ? null : new Date(d.lastSuccessAt).toISOString(),
        connectAttempts: d.connectAttempts,
      };
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.dests.values()].map((d) => d.stop()));
    this.dests.clear();
  }
}
