// net layer: the DICOM TCP listener (SCP side). Owns the association registry and the limits;
// each connection becomes a ScpAssociation. Handlers come from main; no service imports here.
import net from 'node:net';
import type { Logger } from '../log.js';
import type { LoadSnapshot } from './acse/accept.js';
import { ScpAssociation, type ScpRegistry } from './scp-association.js';
import type { ScpHandlers, ScpPolicy } from './types.js';

export interface DicomServerOptions {
  host: string;
  port: number;
  /** A function is called for every new connection, so configuration changes apply to new associations. */
  policy: ScpPolicy | (() => ScpPolicy);
  handlers: ScpHandlers;
  log: Logger;
}

export interface DicomServer {
  port: number;
  activeAssociations(): number;
  /** Stops listening; waits up to graceMs (default 5000) for associations to end, then A-ABORTs the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Socket buffer size (Node's stream highWaterMark; the kernel buffers are not settable from Node). */
const SOCKET_HWM = 256 * 1024;

class Registry implements ScpRegistry {
  readonly all = new Set<ScpAssociation>();
  private readonly accepted = new Set<ScpAssociation>();
  load(callingAe: string): LoadSnapshot {
    let fromCallingAe = 0;
    for (const a of this.accepted) if (a.callingAe === callingAe) fromCallingAe++;
    return { total: this.accepted.size, fromCallingAe };
  }
  register(a: ScpAssociation): void {
    this.accepted.add(a);
  }
  unregister(a: ScpAssociation): void {
    this.accepted.delete(a);
  }
  get acceptedCount(): number {
    return this.accepted.size;
  }
}

/**
 * Starts the DICOM listener; resolves once bound and logs 'dicom listening' with the port.
 * @throws the listen error (EADDRINUSE, EACCES) as rejected promise.
 */
export async function startDicomServer(opts: DicomServerOptions): Promise<DicomServer> {
  const registry = new Registry();
  const resolvePolicy = typeof opts.policy === 'function' ? opts.policy : () => opts.policy as ScpPolicy;
  // Paused: DulSocket puts the association's read buffer in place before the first read (dul/read-buffer.ts).
  const server = net.createServer({ noDelay: true, highWaterMark: SOCKET_HWM, pauseOnConnect: true });
  // Bound raw connections too (STYLE "bound everything a peer controls"): room above the association
  // limit so over-limit callers still get a proper A-ASSOCIATE-RJ; ARTIM reaps silent ones.
  server.maxConnections = resolvePolicy().maxAssociations * 2 + 16;
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const assoc = new ScpAssociation(socket, resolvePolicy(), opts.handlers, registry, opts.log);
    registry.all.add(assoc);
    socket.once('close', () => registry.all.delete(assoc));
    assoc.start();
  });
  server.on('error', (err) => opts.log.error({ err }, 'dicom listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  opts.log.info({ host: opts.host, port }, 'dicom listening');
  return {
    port,
    activeAssociations: () => registry.acceptedCount,
    async close(graceMs = 5000): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + graceMs;
      while (registry.all.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const a of registry.all) a.abort();
      const hard = Date.now() + 1500;
      while (registry.all.size > 0 && Date.now() < hard) await new Promise((r) => setTimeout(r, 20));
      for (const s of sockets) s.destroy();
      await closed;
      opts.log.info('dicom listener closed');
    },
  };
}
