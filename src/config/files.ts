// Which config file to load and which one the web page saves to (main-level policy, pure): the
// config file when the daemon may replace it; else <spool>/http/config.json, which — once the page
// saved it — takes the place of the read-only file (the packaged /etc/pacsgate under ProtectSystem=strict).
import path from 'node:path';

export interface ConfigFiles {
  /** Load this instead of the configured file, when set. */
  load: string | null;
  /** Where the web page writes. */
  save: string;
}

export function configFiles(configured: string | null, spoolDir: string, canWrite: (file: string) => boolean, exists: (file: string) => boolean): ConfigFiles {
  const saved = path.join(spoolDir, 'http', 'config.json');
  if (configured !== null && canWrite(configured)) return { load: null, save: configured };
  return { load: exists(saved) ? saved : null, save: saved };
}
