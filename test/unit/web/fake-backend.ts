// Test double for the web layer: a WebBackend with settable state that records what it was asked.
import { defaultConfig } from '../../../src/config/defaults.js';
import { validateConfig } from '../../../src/config/schema.js';
import { diffConfig } from '../../../src/config/save.js';
import type { Config } from '../../../src/config/types.js';
import type { DeadLetter, EchoPeer, EchoResult, GatewayStatus, RecentInstance, WebBackend } from '../../../src/web/types.js';

export function sampleStatus(): GatewayStatus {
  return {
    version: '0.1.0',
    uptimeSeconds: 1234.5,
    aeTitle: 'PACSGATE',
    dicomPort: 11112,
    spool: { bytesUsed: 5 * 1024 * 1024, bytesMax: 64 * 1024 * 1024 * 1024, instances: 17 },
    received: { instances: 321, bytes: 987654321, failed: 2 },
    associations: { active: 1, total: 45, rejected: 3 },
    destinations: [
      {
        name: 'pacs', aeTitle: 'CENTRAL', host: '10.0.0.5', port: 104, queued: 12, forwarded: 300, failed: 4,
        deadLetter: 1, state: 'sending', lastError: null, oldestQueuedAgeSeconds: 42.5, lastSuccessAt: '2026-11-22T14:00:00.000Z', connectAttempts: 3,
      },
      {
        name: 'backup', aeTitle: 'BACKUP', host: 'backup.example', port: 11112, queued: 0, forwarded: 9, failed: 77,
        deadLetter: 0, state: 'circuit-open', lastError: 'connect ECONNREFUSED "10.0.0.6:11112"\nretrying', oldestQueuedAgeSeconds: null, lastSuccessAt: null, connectAttempts: 40,
      },
    ],
  };
}

export function sampleInstances(n: number): RecentInstance[] {
  return Array.from({ length: n }, (_, i) => ({
    id: n - i, receivedAt: new Date(Date.UTC(2026, 10, 22, 14, 0, i % 60)).toISOString(),
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopClassName: 'CT Image Storage', modality: 'CT', bytes: 525000 + i,
    callingAe: 'MODALITY1', status: 'forwarded', destinations: [{ name: 'pacs', state: 'forwarded' }],
  }));
}

export class FakeBackend implements WebBackend {
  cfg: Config;
  statusValue = sampleStatus();
  readyValue = { ready: true, reasons: [] as string[] };
  instances = sampleInstances(120);
  dead: DeadLetter[] = [
    { id: 7, destination: 'pacs', sopClassUid: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUid: '1.2.3.4.5.6.7', lastStatus: 0xa700, lastError: 'Refused: Out of Resources', attempts: 5, at: '2026-11-22T13:00:00.000Z' },
  ];
  applied: Config[] = [];
  echoes: EchoPeer[] = [];
  retried: Array<[string, number]> = [];
  echoImpl: (peer: EchoPeer) => Promise<EchoResult> = async () => ({ ok: true, status: 0, ms: 3 });

  constructor(cfg?: Config) {
    const { source: _s, ...doc } = defaultConfig();
    this.cfg = cfg ?? validateConfig(doc, { file: null });
  }

  status(): GatewayStatus { return structuredClone(this.statusValue); }
  ready(): { ready: boolean; reasons: string[] } { return this.readyValue; }
  config(): Config { return this.cfg; }
  async applyConfig(next: Config): Promise<{ applied: string[]; restartRequired: string[] }> {
    const d = diffConfig(this.cfg, next);
    this.cfg = next;
    this.applied.push(next);
    return { applied: d.live, restartRequired: d.restart };
  }
  echo(peer: EchoPeer): Promise<EchoResult> {
    this.echoes.push(peer);
    return this.echoImpl(peer);
  }
  recentInstances(): RecentInstance[] { return this.instances; }
  deadLetters(): DeadLetter[] { return this.dead; }
  async retryDeadLetter(destination: string, id: number): Promise<boolean> {
    const i = this.dead.findIndex((d) => d.destination === destination && d.id === id);
    if (i < 0) return false;
    this.retried.push([destination, id]);
    this.dead.splice(i, 1);
    return true;
  }
  readonly resent: Array<[number, readonly string[] | undefined]> = [];
  /** Instance ids the fake spool still holds, with the destinations each was routed to. */
  readonly stored = new Map<number, string[]>();
  async resendInstance(id: number, destinations?: readonly string[]): Promise<string[] | null> {
    const routed = this.stored.get(id);
    if (!routed) return null;
    this.resent.push([id, destinations]);
    return [...(destinations ?? routed)];
  }
  async discardDeadLetter(destination: string, id: number): Promise<boolean> {
    const i = this.dead.findIndex((d) => d.destination === destination && d.id === id);
    if (i < 0) return false;
    this.dead.splice(i, 1);
    return true;
  }
}
