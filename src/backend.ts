// WebBackend over the running gateway (top-level wiring): status, readiness, live config, echo from
// the box, the last 100 instances and the dead-letter list. No protocol logic here.
import type { Config } from './config/types.js';
import type { Logger } from './log.js';
import type { Gateway } from './gateway.js';
import type { DeadLetter, EchoPeer, EchoResult, RecentInstance, WebBackend, GatewayStatus } from './web/types.js';
import type { InstanceRecord } from './spool/types.js';
import { echoPeer } from './services/echo.js';
import { sopClassName } from './dicom/uids.js';

const RECENT = 100;

/** Remembers the last 100 stored instances (ids and non-patient attributes only). */
export class RecentList {
  private readonly items: InstanceRecord[] = [];
  add(r: InstanceRecord): void {
    this.items.unshift(r);
    if (this.items.length > RECENT) this.items.pop();
  }
  list(): readonly InstanceRecord[] {
    return this.items;
  }
}

export function createBackend(gw: Gateway, recent: RecentList, log: Logger): WebBackend {
  const spool = gw.spool;
  /** The spool's state of a delivery; 'sending' while the forwarder has it on the wire. */
  const deliveryState = (name: string, id: number): string => {
    const state = spool.entry(name, id)?.state ?? 'forwarded';
    return state === 'queued' && gw.forwarder.isSending(name, id) ? 'sending' : state;
  };
  return {
    status: (): GatewayStatus => gw.status(),
    ready: () => gw.ready(),
    config: (): Config => gw.cfg,
    applyConfig: (next) => gw.applyConfig(next),
    async echo(peer: EchoPeer): Promise<EchoResult> {
      const t0 = Date.now();
      try {
        const r = await echoPeer({ host: peer.host, port: peer.port, calledAe: peer.aeTitle, callingAe: peer.callingAeTitle, timeoutMs: 10_000, log });
        return { ok: r.status === 0, status: r.status, ms: Math.round(r.roundTripMs + r.associateMs) };
      } catch (err) {
        return { ok: false, error: (err as Error).message, ms: Date.now() - t0 };
      }
    },
    recentInstances: (): RecentInstance[] =>
      recent.list().map((r) => ({
        id: r.id,
        receivedAt: r.receivedAt,
        sopClassUid: r.sopClassUid,
        sopClassName: sopClassName(r.sopClassUid) ?? r.sopClassUid,
        modality: r.modality ?? null,
        bytes: r.bytes,
        callingAe: r.callingAe,
        status: 'stored',
        // An entry that is gone from queue and ledger was delivered and its instance deleted.
        destinations: r.destinations.map((name) => ({ name, state: deliveryState(name, r.id) })),
      })),
    deadLetters: (): DeadLetter[] =>
      spool.listDead().filter((e) => e.discardedAt === undefined).map((e) => {
        const rec = spool.get(e.id);
        return {
          id: e.id, destination: e.destination, sopClassUid: rec?.sopClassUid ?? '', sopInstanceUid: rec?.sopInstanceUid ?? '',
          lastStatus: e.lastStatus ?? null, lastError: e.lastError ?? '', attempts: e.attempts,
          at: new Date(e.lastAttemptAt ?? e.queuedAt).toISOString(),
        };
      }),
    async retryDeadLetter(destination, id) {
      const ok = (await spool.retryDead(destination, id)) !== undefined;
      if (ok) gw.forwarder.wake([destination]);
      return ok;
    },
    async discardDeadLetter(destination, id) {
      return (await spool.discardDead(destination, id)) !== undefined;
    },
    async resendInstance(id, destinations) {
      const record = spool.get(id);
      if (!record) return null;
      const queued: string[] = [];
      for (const name of destinations ?? record.destinations) {
        if ((await spool.enqueue(name, id))?.state === 'queued') queued.push(name);
      }
      gw.forwarder.wake(queued);
      return queued;
    },
  };
}
