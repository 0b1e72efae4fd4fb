// Embedded defaults (../shared/CONTRACT.md "Settings"). The packaged build differs only in the
// spool directory and config file, which packaging passes through the environment.
import type { Config } from './types.js';

export const DEFAULT_MAX_PDU = 256 * 1024;

export function defaultConfig(): Config {
  return {
    aeTitle: 'PACSGATE',
    dicom: {
      host: '0.0.0.0',
      port: 11112,
      maxPduLength: DEFAULT_MAX_PDU,
      calledAeCheck: 'any',
      allow: [],
      maxAssociations: 32,
      maxAssociationsPerAe: 8,
      idleTimeoutSeconds: 120,
      artimTimeoutSeconds: 30,
      transferSyntaxes: [],
      extraSopClasses: [],
    },
    http: {
      host: '127.0.0.1',
      port: 8080,
      login: 'auto',
      open: ['/healthz', '/readyz', '/metrics'],
      tls: null,
      metricsToken: null,
      heartbeat: null,
    },
    spool: { dir: './var/spool', maxBytes: null, retentionSeconds: 0 },
    destinations: [],
    routes: [],
    log: { level: 'info' },
    source: { file: null },
  };
}
