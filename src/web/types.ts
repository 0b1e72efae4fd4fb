// Web layer: the interface the HTTP side needs from the running gateway. main.ts implements
// WebBackend over spool/forward/services and injects it; only types come from the layers below.
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';

// The destination figures are the forward layer's own shape (web sits above forward).
export { DESTINATION_STATES, type DestinationState } from '../forward/destination.js';
export type { DestinationStatus } from '../forward/forwarder.js';
import type { DestinationStatus } from '../forward/forwarder.js';

export interface GatewayStatus {
  version: string;
  uptimeSeconds: number;
  aeTitle: string;
  dicomPort: number;
  spool: { bytesUsed: number; bytesMax: number; instances: number };
  /** Counters since the daemon started. */
  received: { instances: number; bytes: number; failed: number };
  associations: { active: number; total: number; rejected: number };
  destinations: DestinationStatus[];
}

/** One received instance for the page's "last 100" list: no patient data. */
export interface RecentInstance {
  id: number;
  receivedAt: string;
  sopClassUid: string;
  sopClassName: string;
  modality: string | null;
  bytes: number;
  callingAe: string;
  status: string;
  destinations: Array<{ name: string; state: string }>;
}

export interface DeadLetter {
  id: number;
  destination: string;
  sopClassUid: string;
  sopInstanceUid: string;
  lastStatus: number | null;
  lastError: string;
  attempts: number;
  at: string;
}

export interface EchoPeer {
  aeTitle: string;
  host: string;
  port: number;
  callingAeTitle: string;
}

export interface EchoResult {
  ok: boolean;
  status?: number;
  error?: string;
  ms: number;
}

export interface WebBackend {
  status(): GatewayStatus;
  ready(): { ready: boolean; reasons: string[] };
  config(): Config;
  /** Called after the new config is durably saved; says which keys took effect and which need a restart. */
  applyConfig(next: Config): Promise<{ applied: string[]; restartRequired: string[] }>;
  echo(peer: EchoPeer): Promise<EchoResult>;
  /** The last 100 received instances, newest first. */
  recentInstances(): RecentInstance[];
  deadLetters(): DeadLetter[];
  /** false: no such dead letter. */
  retryDeadLetter(destination: string, id: number): Promise<boolean>;
  discardDeadLetter(destination: string, id: number): Promise<boolean>;
  /**
   * Queues a stored instance again for `destinations` (default: those it was routed to), e.g. one
   * kept by the spool's retention after delivery. Resolves with the destinations it is queued for now
   * (a dead-lettered one is not: retry it), or null when the instance is no longer in the spool.
   */
  resendInstance(id: number, destinations?: readonly string[]): Promise<string[] | null>;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  log: Logger;
  backend: WebBackend;
  /** Directory for auth state (scrypt password hash, one-time setup token file; both 0600). */
  stateDir: string;
  /** PEM file paths; when given the server speaks HTTPS only and cookies get `Secure`. */
  tls?: { cert: string; key: string };
  /** When set, GET /metrics requires `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  heartbeat?: { url: string; intervalSeconds: number };
  /** 'auto' (default): login required unless `host` is a loopback address. */
  login?: 'auto' | 'required';
  /** Endpoints readable without login when login is required; default /healthz, /readyz, /metrics. */
  open?: readonly string[];
  /** Where PUT /api/config writes; default backend.config().source.file, else `<stateDir>/config.json`. */
  configFile?: string;
}

export interface HttpServerHandle {
  port: number;
  close(): Promise<void>;
}
