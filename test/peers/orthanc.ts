// Test peer: Debian's Orthanc as the upstream PACS, on free loopback ports with its own temp storage.
// Orthanc binds every address; RemoteAccessAllowed=false keeps its REST API loopback-only. A missing
// Orthanc binary fails the test (spawn error), it never skips.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './dcmtk.js';

export interface OrthancOptions {
  aeTitle?: string;
  /** Keep the newest copy when an instance arrives twice (needed to see re-sends). Default true. */
  overwrite?: boolean;
  /** DICOM port to use (e.g. one a test reserved earlier); default a free one. */
  dicomPort?: number;
}

export interface Orthanc {
  aeTitle: string;
  dicomPort: number;
  httpPort: number;
  dir: string;
  get<T = unknown>(p: string): Promise<T>;
  getBytes(p: string): Promise<Buffer>;
  post<T = unknown>(p: string, body: unknown): Promise<T>;
  /** Orthanc id of the instance with this SOP Instance UID, or null. */
  lookupInstance(sopInstanceUid: string): Promise<string | null>;
  /** The stored Part-10 file of the instance with this SOP Instance UID, or null. */
  fileOf(sopInstanceUid: string): Promise<Buffer | null>;
  countInstances(): Promise<number>;
  stop(): Promise<void>;
}

function config(dir: string, aet: string, dicomPort: number, httpPort: number, overwrite: boolean): object {
  return {
    Name: 'pacsgate-test', StorageDirectory: path.join(dir, 'db'), IndexDirectory: path.join(dir, 'db'),
    StorageCompression: false, HttpPort: httpPort, DicomPort: dicomPort, DicomAet: aet,
    RemoteAccessAllowed: false, AuthenticationEnabled: false, DicomCheckCalledAet: false,
    UnknownSopClassAccepted: true, AcceptedTransferSyntaxes: ['1.2.840.10008.1.*'],
    OverwriteInstances: overwrite, SaveJobs: false, Plugins: [], StableAge: 3600,
    DicomAlwaysAllowStore: true, HttpServerEnabled: true, DicomServerEnabled: true, HttpThreadsCount: 4,
    // One request per connection. With keep-alive, Orthanc (CivetWeb) closes an idle connection after
    // about a second, and fetch (undici) may send the next request on it just then: "other side
    // closed" (UND_ERR_SOCKET), seen once in forward-orthanc on a slow host.
    KeepAlive: false,
  };
}

async function waitForRest(base: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited ${child.exitCode}: ${log().slice(-2000)}`);
    try {
      const r = await fetch(`${base}/system`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Orthanc did not answer ${base}/system within 30 s: ${log().slice(-2000)}`);
}

/** Starts Orthanc; resolves once its REST /system answers. */
export async function startOrthanc(opts: OrthancOptions = {}): Promise<Orthanc> {
  const aeTitle = opts.aeTitle ?? 'ORTHANC';
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-orthanc-'));
  const [dicomPort, httpPort] = [opts.dicomPort ?? await freePort(), await freePort()];
  const cfgFile = path.join(dir, 'orthanc.json');
  writeFileSync(cfgFile, JSON.stringify(config(dir, aeTitle, dicomPort, httpPort, opts.overwrite ?? true), null, 2));
  const child = spawn('Orthanc', [cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer): void => { out = (out + b.toString('utf8')).slice(-20_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`cannot run Orthanc: ${e.message}`))));
  const base = `http://127.0.0.1:${httpPort}`;
  await Promise.race([waitForRest(base, child, () => out), spawnError]);

  const get = async <T>(p: string): Promise<T> => {
    const r = await fetch(base + p);
    if (!r.ok) throw new Error(`Orthanc GET ${p}: ${r.status}`);
    return (await r.json()) as T;
  };
  const post = async <T>(p: string, body: unknown): Promise<T> => {
    const r = await fetch(base + p, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    if (!r.ok) throw new Error(`Orthanc POST ${p}: ${r.status}`);
    return (await r.json()) as T;
  };
  const getBytes = async (p: string): Promise<Buffer> => {
    const r = await fetch(base + p);
    if (!r.ok) throw new Error(`Orthanc GET ${p}: ${r.status}`);
    return Buffer.from(await r.arrayBuffer());
  };
  const lookupInstance = async (uid: string): Promise<string | null> => {
    const hits = await post<Array<{ ID: string; Type: string }>>('/tools/lookup', uid);
    return hits.find((h) => h.Type === 'Instance')?.ID ?? null;
  };
  return {
    aeTitle, dicomPort, httpPort, dir, get, getBytes, post, lookupInstance,
    async fileOf(uid) {
      const id = await lookupInstance(uid);
      return id === null ? null : getBytes(`/instances/${id}/file`);
    },
    async countInstances() {
      return (await get<{ CountInstances: number }>('/statistics')).CountInstances;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
