// The gateway's configuration, as the rest of the code sees it after load + validation.

export interface AllowEntry {
  /** Calling AE title; '*' matches any. */
  aeTitle: string;
  /** Optional peer IP address that must match as well. */
  host?: string;
}

export interface DicomConfig {
  host: string;
  port: number;
  /** Maximum PDU length we advertise (PS3.8 §D.1); we reject incoming PDUs above this plus a tolerance. */
  maxPduLength: number;
  /** 'strict': the called AE title must be ours; 'any': accept whatever the caller addresses. */
  calledAeCheck: 'strict' | 'any';
  /** Empty: any caller. Otherwise the calling AE (and optional IP) must match one entry. */
  allow: AllowEntry[];
  maxAssociations: number;
  maxAssociationsPerAe: number;
  /** Seconds without a PDU before an established association is aborted. */
  idleTimeoutSeconds: number;
  /** ARTIM timer, PS3.8 §9.1.5. */
  artimTimeoutSeconds: number;
  /** Transfer syntax preference for acceptance; empty: the built-in order. */
  transferSyntaxes: string[];
  /** Private or otherwise unlisted SOP Class UIDs to accept for storage. */
  extraSopClasses: string[];
}

export interface DestinationConfig {
  name: string;
  aeTitle: string;
  host: string;
  port: number;
  /** Our AE title on associations to this destination; defaults to the gateway's own. */
  callingAeTitle: string;
  maxPduLength: number;
  /** Transfer syntaxes to offer, in preference order; empty: as received then Explicit LE then Implicit LE. */
  transferSyntaxes: string[];
  /** Parallel associations to this destination. */
  concurrency: number;
  /** Compress native grayscale images losslessly for a slow link when the PACS accepts it. */
  compress?: 'jpeg-lossless' | 'rle';
}

export interface RouteConfig {
  /** Destination names this route sends to. */
  destinations: string[];
  callingAeTitle?: string;
  calledAeTitle?: string;
  modality?: string;
  sopClassUid?: string;
}

/** Paths of probe endpoints that may be opened to unauthenticated readers (http.open). */
export const OPENABLE_PATHS = ['/healthz', '/readyz', '/metrics', '/api/status'] as const;
export type OpenablePath = (typeof OPENABLE_PATHS)[number];

export interface HttpConfig {
  host: string;
  port: number;
  /** 'auto': login required unless bound to a loopback address; 'required': always. */
  login: 'auto' | 'required';
  /** Endpoints readable without login when login is required. */
  open: OpenablePath[];
  /** PEM file paths; when set the page and API are served over HTTPS only. */
  tls: { cert: string; key: string } | null;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. Never shown on the page. */
  metricsToken: string | null;
  /** Optional outbound heartbeat: POST of /api/status JSON to `url` every `intervalSeconds`. */
  heartbeat: { url: string; intervalSeconds: number } | null;
}

export interface Config {
  aeTitle: string;
  dicom: DicomConfig;
  http: HttpConfig;
  /** retentionSeconds: how long a delivered instance stays in the spool (0: swept as soon as deliveries
   *  pause); the size limit holds over it (docs/spool.md "Deletion"). */
  spool: { dir: string; maxBytes: number | null; retentionSeconds: number };
  destinations: DestinationConfig[];
  routes: RouteConfig[];
  log: { level: LogLevel };
  /** Where the config came from (for the log line and the web page's save). */
  source: { file: string | null };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
