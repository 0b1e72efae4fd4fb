// The running gateway: opens the spool, starts the DICOM listener with the store service, and the
// forwarder; builds the status figures. Wiring only (the top layer): every handler is injected here,
// so lower layers never import each other upwards. main.ts adds signals, systemd and the HTTP side.
import type { Config } from './config/types.js';
import type { Logger } from './log.js';
import { Spool } from './spool/index.js';
import { startDicomServer, type DicomServer } from './net/server.js';
import { openAssociation } from './net/scu.js';
import { createStoreScp } from './services/store-scp.js';
import { ReceiveStats } from './services/receive-stats.js';
import { Forwarder } from './forward/forwarder.js';
import type { GatewayStatus } from './web/types.js';
import type { InstanceRecord } from './spool/types.js';
import { routeInstance } from './forward/routing.js';
import { scpPolicy } from './policy.js';
import { diffConfig } from './config/save.js';
import { VERSION } from './version.js';
import { Reclaimer, RECLAIM_RECEIVED_BYTES, tuneMalloc } from './system/reclaim.js';
import type { StoreSink } from './net/types.js';

/**
 * The store sink with received bytes counted for a Reclaimer (peak RSS bound, src/system/reclaim.ts):
 * every RECLAIM_RECEIVED_BYTES for an association reading into its reused buffer
 * (src/net/dul/read-buffer.ts, AssociationInfo.reusesReads), every RECLAIM_BYTES otherwise.
 */
function reclaiming(sink: StoreSink, reclaimer: Reclaimer): StoreSink {
  return {
    write: (chunk) => {
      reclaimer.add(chunk.length);
      return sink.write(chunk);
    },
    end: () => sink.end(),
    abort: (reason) => sink.abort(reason),
  };
}

export class Gateway {
  readonly startedAt = Date.now();
  readonly stats = new ReceiveStats();
  readonly associations = { total: 0, rejected: 0 };
  private server: DicomServer | null = null;
  private stopped = false;

  /** Received bytes of associations that read into their reused buffer (RECLAIM_RECEIVED_BYTES). */
  private readonly receiveReclaimer = new Reclaimer(RECLAIM_RECEIVED_BYTES);

  private constructor(private config: Config, readonly spool: Spool, readonly forwarder: Forwarder, private readonly log: Logger, private readonly reclaimer: Reclaimer) {}

  /** Called after each durable store (the web page's "last 100" list). */
  onStored: ((record: InstanceRecord) => void) | null = null;

  static async start(cfg: Config, log: Logger): Promise<Gateway> {
    // Before LMDB's first commits: fixed heap thresholds (src/system/reclaim.ts MALLOC_TRIM_THRESHOLD).
    log.debug({ applied: tuneMalloc() }, 'malloc thresholds');
    const spool = await Spool.open({ dir: cfg.spool.dir, maxBytes: cfg.spool.maxBytes, retentionMs: cfg.spool.retentionSeconds * 1000, log: log.child({ layer: 'spool' }) });
    // Bytes forwarded and bytes received as fresh Buffers share one reclaimer (src/system/reclaim.ts).
    const reclaimer = new Reclaimer();
    const forwarder = new Forwarder({ spool, connect: openAssociation, log, onBytesSent: (n) => reclaimer.add(n) });
    const gw = new Gateway(cfg, spool, forwarder, log, reclaimer);
    try {
      await forwarder.configure(cfg.destinations);
      await gw.routeUnrouted();
      await gw.listen();
    } catch (err) {
      await gw.stop();
      throw err;
    }
    return gw;
  }

  get cfg(): Config {
    return this.config;
  }

  get dicomPort(): number {
    return this.server?.port ?? 0;
  }

  private async listen(): Promise<void> {
    const store = createStoreScp({
      spool: this.spool,
      stats: this.stats,
      log: this.log.child({ layer: 'store' }),
      route: (facts) => routeInstance(this.config, facts),
      onStored: (record) => {
        this.forwarder.wake(record.destinations);
        this.onStored?.(record);
      },
    });
    this.server = await startDicomServer({
      host: this.config.dicom.host,
      port: this.config.dicom.port,
      policy: () => scpPolicy(this.config),
      handlers: {
        onStoreRequest: (req) => reclaiming(store(req), req.assoc.reusesReads ? this.receiveReclaimer : this.reclaimer),
        onAssociationEvent: (ev) => {
          if (ev.type === 'accepted') this.associations.total++;
          if (ev.type === 'rejected') this.associations.rejected++;
        },
      },
      log: this.log.child({ layer: 'dicom' }),
    });
  }

  /**
   * Applies a new config live — AE title and SCP policy (read per association), allow-list, limits,
   * destinations, routes, spool limit — and says which changed keys wait for a restart (listener
   * addresses, HTTP settings, spool directory).
   */
  async applyConfig(next: Config): Promise<{ applied: string[]; restartRequired: string[] }> {
    const { live, restart } = diffConfig(this.config, next);
    const restartRequired = restart.filter((k) => k !== 'aeTitle');
    const applied = [...live, ...restart.filter((k) => k === 'aeTitle')];
    if (next.spool.maxBytes !== null && next.spool.maxBytes !== this.config.spool.maxBytes) this.spool.setMaxBytes(next.spool.maxBytes);
    this.config = next;
    await this.forwarder.configure(next.destinations);
    await this.routeUnrouted();
    return { applied, restartRequired };
  }

  /** Queues instances that arrived while no destination matched them, now that the routing may. */
  private async routeUnrouted(): Promise<void> {
    if (this.config.destinations.length === 0) return;
    let routed = 0;
    for (const r of this.spool.unrouted()) {
      const names = routeInstance(this.config, { callingAeTitle: r.callingAe, calledAeTitle: r.calledAe, modality: r.modality, sopClassUid: r.sopClassUid });
      for (const n of names) await this.spool.enqueue(n, r.id);
      if (names.length) routed++;
    }
    if (routed) {
      this.log.info({ instances: routed }, 'queued instances kept without a destination');
      this.forwarder.wake();
    }
  }

  status(): GatewayStatus {
    const s = this.spool.stats();
    return {
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      aeTitle: this.config.aeTitle,
      dicomPort: this.dicomPort,
      spool: { bytesUsed: s.bytesUsed, bytesMax: s.bytesMax, instances: s.instances },
      received: { instances: this.stats.instances, bytes: this.stats.bytes, failed: this.stats.failed },
      associations: { active: this.server?.activeAssociations() ?? 0, total: this.associations.total, rejected: this.associations.rejected },
      destinations: this.forwarder.status(),
    };
  }

  /** CONTRACT.md /readyz: listener bound and spool open and writable. */
  ready(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    if (!this.server || this.stopped) reasons.push('dicom listener not bound');
    const h = this.spool.health();
    if (!h.writable) reasons.push(h.reason ?? 'spool not writable');
    else if (h.full) reasons.push(h.reason ?? 'spool full');
    return { ready: reasons.length === 0, reasons };
  }

  /** Stops accepting, lets in-flight stores finish for up to `graceMs`, stops forwarding, closes the spool. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.server) await this.server.close(graceMs);
    await this.forwarder.stop();
    await this.spool.close();
  }
}
