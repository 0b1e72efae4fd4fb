// What bounds forwarding (issue 4; docs/benchmarks.md "Forward", tenth session). The same COUNT
// instances (512×512 16-bit CT, 512 KiB each) go to DCMTK storescp (+B, TCP_NODELAY=1), sent by:
//   storescu      the files, one association (the reference bench/forward.ts compares with);
//   bare          a minimal sender in this process: pacsgate's spool read into a lease
//                 (Spool.readDataset), the PDUs written straight to the socket, one C-STORE at a time,
//                 no DUL state machine, no queue, no log;
//   recorded      the same, each delivery recorded as a forward lane does (Spool.markForwarded,
//                 BOOKKEEPING_BATCH per transaction, one in flight): the queue update (the
//                 spool sweeps the delivered instances by itself, as in the daemon);
//   scu           recorded, with pacsgate's SCU (openAssociation, store(): DUL state machine, DIMSE,
//                 timeouts) instead of raw PDUs, the next C-STORE queued behind the one on the wire
//                 as a lane does (PIPELINE_DEPTH);
//   pacsgate      the daemon draining the same spool.
// WARMUP other instances (default 2000) go first in every case, untimed, as in bench/forward.ts: the
// spool holds them ahead of the timed ones, and storescu sends them to its storescp first. The time
// runs from the last warm-up instance's response (the daemon: its 'instance forwarded' line) to the
// last response.
// Each round runs the five (in reverse order every other round) on fresh copies of one filled
// spool and prints seconds, CPU seconds (storescu: the child's; bare, recorded and scu: this
// process's; pacsgate: the daemon's, from its WARMUP-th stored file on) and storescu's time ÷ each
// case's. Medians at the end.
// Usage: npm run bench:forward-floor [-- ROUNDS=3 COUNT=1000 WARMUP=2000]
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeCommandSet, encodeCommandSet } from '../src/dicom/command-set.js';
import { BOOKKEEPING_BATCH, LEASE_CHUNKS, PIPELINE_DEPTH } from '../src/forward/destination.js';
import { createLogger, type Logger } from '../src/log.js';
import { storeRq } from '../src/net/dimse/messages.js';
import { openAssociation } from '../src/net/scu.js';
import { encodePdu, pDataHeaders } from '../src/net/pdu/codec.js';
import { PduReader } from '../src/net/pdu/reader.js';
import type { AssociateAc } from '../src/net/pdu/types.js';
import { ChunkLease, ChunkPool } from '../src/spool/chunk-pool.js';
import { Spool } from '../src/spool/spool.js';
import type { Delivery } from '../src/spool/queue.js';
import type { QueueItem } from '../src/spool/types.js';
import { startDaemon, waitFor } from '../test/helpers/forward-daemon.js';
import { freePort, startStorescp, storescuSend, type StoreScp } from '../test/peers/dcmtk.js';
import { writeCtStudy } from '../test/helpers/ct-study.js';
import { processCpu } from './proc.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const COUNT = Number(process.argv[3] ?? 1000);
const WARMUP = Number(process.argv[4] ?? 2000);
process.env.TCP_NODELAY = '1';
const DESTINATION = 'pacs';
const CHUNK = 256 * 1024;

interface Run { s: number; cpu: number }
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const selfCpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

async function scp(port?: number): Promise<StoreScp> {
  return startStorescp({ aeTitle: 'BENCH', args: ['+B'], port });
}
async function stopScp(s: StoreScp): Promise<void> {
  await s.stop();
  rmSync(s.dir, { recursive: true, force: true });
}

/** storescu sending the files itself (no meta pre-read: only the child is timed), after the warm-up. */
async function viaStorescu(files: string[], warm: string[]): Promise<Run> {
  const s = await scp();
  const storescu = promisify(execFile);
  try {
    if (warm.length) await storescu('storescu', ['-aec', 'BENCH', '127.0.0.1', String(s.port), ...warm], { maxBuffer: 64 * 1024 * 1024 });
    const c0 = processCpu('self').children;
    const t0 = process.hrtime.bigint();
    await storescu('storescu', ['-aec', 'BENCH', '127.0.0.1', String(s.port), ...files], { maxBuffer: 64 * 1024 * 1024 });
    return { s: Number(process.hrtime.bigint() - t0) / 1e9, cpu: processCpu('self').children - c0 };
  } finally {
    await stopScp(s);
  }
}

/** One association with raw PDUs: the A-ASSOCIATE-AC, then each C-STORE-RSP's Status. */
class BareAssociation {
  private readonly reader = new PduReader({ maxPduLength: 1 << 20 });
  private waiting: ((v: AssociateAc | number) => void) | null = null;
  private command: Buffer[] = [];
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (b: Buffer) => {
      this.reader.push(b);
      for (let ev = this.reader.next(); ev; ev = this.reader.next()) {
        if (ev.type === 'pdu') this.settle(ev.pdu.type === 0x02 ? ev.pdu : -1);
        else if (ev.type === 'pdv' && ev.control & 1) {
          this.command.push(ev.data);
          if (ev.end && ev.control & 2) {
            const status = decodeCommandSet(Buffer.concat(this.command)).status ?? -1;
            this.command = [];
            this.settle(status);
          }
        } else if (ev.type === 'error') this.settle(-1);
      }
    });
  }

  private settle(v: AssociateAc | number): void {
    const w = this.waiting;
    this.waiting = null;
    w?.(v);
  }

  private next(): Promise<AssociateAc | number> {
    return new Promise((resolve) => { this.waiting = resolve; });
  }

  static async open(port: number, sopClassUid: string, transferSyntax: string): Promise<{ assoc: BareAssociation; maxPdv: number }> {
    const sock = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    const assoc = new BareAssociation(sock);
    const ac = assoc.next();
    sock.write(encodePdu({
      type: 0x01, protocolVersion: 1, calledAe: 'BENCH', callingAe: 'FLOOR', applicationContext: '1.2.840.10008.3.1.1.1',
      presentationContexts: [{ id: 1, abstractSyntax: sopClassUid, transferSyntaxes: [transferSyntax] }],
      userInfo: { maxLength: 65536, roleSelections: [], extendedNegotiations: [], other: [] },
    }));
    const got = await ac;
    if (typeof got === 'number' || got.presentationContexts[0]?.result !== 0) throw new Error('association not accepted');
    return { assoc, maxPdv: (got.userInfo.maxLength || 16384) - 6 };
  }

  /** Command and data set on presentation context 1; resolves with the response's Status. */
  async store(messageId: number, sopClassUid: string, sopInstanceUid: string, dataset: AsyncIterable<Buffer>, bytes: number, maxPdv: number): Promise<number> {
    const cmd = encodeCommandSet(storeRq({ messageId, sopClassUid, sopInstanceUid }));
    const rsp = this.next();
    this.sock.cork();
    this.sock.write(pDataHeaders(cmd.length, 1, 3));
    this.sock.write(cmd);
    let sent = 0;
    for await (const chunk of dataset) {
      for (let p = 0; p < chunk.length; p += maxPdv) {
        const part = chunk.subarray(p, p + maxPdv);
        sent += part.length;
        this.sock.write(pDataHeaders(part.length, 1, sent === bytes ? 2 : 0));
        this.sock.write(part);
      }
      this.sock.uncork();
      this.sock.cork();
    }
    this.sock.uncork();
    return (await rsp) as number;
  }

  async release(): Promise<void> {
    const rp = this.next();
    this.sock.write(encodePdu({ type: 0x05 }));
    await rp;
    this.sock.end();
  }
}

/** Wall and CPU time of this process since the last restart(). */
class Clock {
  private c0 = selfCpu();
  private t0 = process.hrtime.bigint();
  restart(): void {
    this.c0 = selfCpu();
    this.t0 = process.hrtime.bigint();
  }
  read(): Run {
    return { s: Number(process.hrtime.bigint() - this.t0) / 1e9, cpu: selfCpu() - this.c0 };
  }
}

/** Opens a copy of the spool and a fresh storescp, and runs `send` over the spool's queued items. */
async function overSpool(spoolDir: string, send: (spool: Spool, items: QueueItem[], port: number, log: Logger) => Promise<Run>): Promise<Run> {
  const s = await scp();
  const log = createLogger('warn').logger;
  const spool = await Spool.open({ dir: spoolDir, maxBytes: null, log });
  try {
    const items = spool.nextQueued(DESTINATION, Number.MAX_SAFE_INTEGER, WARMUP + COUNT + 1);
    if (items.length !== WARMUP + COUNT) throw new Error(`${items.length} queued, expected ${WARMUP + COUNT}`);
    return await send(spool, items, s.port, log);
  } finally {
    await spool.close();
    await stopScp(s);
  }
}

/** The minimal sender over a copy of the spool; `record` adds the forward lane's bookkeeping. */
function bare(spoolDir: string, record: boolean): Promise<Run> {
  return overSpool(spoolDir, async (spool, items, port) => {
    const pool = new ChunkPool(CHUNK, LEASE_CHUNKS);
    const { record: first } = items[0];
    const { assoc, maxPdv } = await BareAssociation.open(port, first.sopClassUid, first.transferSyntax);
    const recorder = new Recorder(spool);
    let messageId = 1;
    const clock = new Clock();
    for (const [i, { record: r }] of items.entries()) {
      if (i === WARMUP) clock.restart();
      const lease = new ChunkLease(pool, LEASE_CHUNKS);
      const startedAt = Date.now();
      const status = await assoc.store(messageId++, r.sopClassUid, r.sopInstanceUid, spool.readDataset(r.id, lease), r.bytes, maxPdv);
      lease.giveBack();
      if (status !== 0) throw new Error(`C-STORE status ${status}`);
      if (record) await recorder.add({ id: r.id, status, transferSyntax: r.transferSyntax, startedAt });
    }
    await recorder.settle();
    const run = clock.read();
    await assoc.release();
    return run;
  });
}

/** Deliveries recorded BOOKKEEPING_BATCH to a transaction, one transaction in flight, as a lane does. */
class Recorder {
  private batch: Delivery[] = [];
  private committing: Promise<unknown> = Promise.resolve();
  constructor(private readonly spool: Spool) {}
  async add(d: Delivery): Promise<void> {
    this.batch.push(d);
    if (this.batch.length < BOOKKEEPING_BATCH) return;
    const b = this.batch;
    this.batch = [];
    await this.committing;
    this.committing = this.spool.markForwarded(DESTINATION, b);
  }
  async settle(): Promise<void> {
    await this.committing;
    if (this.batch.length) await this.spool.markForwarded(DESTINATION, this.batch);
    this.batch = [];
  }
}

/** `recorded` through pacsgate's SCU, PIPELINE_DEPTH C-STOREs queued on the association. */
function viaScu(spoolDir: string): Promise<Run> {
  return overSpool(spoolDir, async (spool, items, port, log) => {
    const pool = new ChunkPool(CHUNK, LEASE_CHUNKS * PIPELINE_DEPTH);
    const { record: first } = items[0];
    const ts = first.transferSyntax;
    const assoc = await openAssociation({ host: '127.0.0.1', port, callingAe: 'FLOOR', calledAe: 'BENCH', contexts: [{ abstractSyntax: first.sopClassUid, transferSyntaxes: [ts] }], log });
    const recorder = new Recorder(spool);
    const one = async (r: QueueItem['record']): Promise<void> => {
      const lease = new ChunkLease(pool, LEASE_CHUNKS);
      const startedAt = Date.now();
      const res = await assoc.store({ abstractSyntax: r.sopClassUid, transferSyntax: ts, sopClassUid: r.sopClassUid, sopInstanceUid: r.sopInstanceUid,
        dataset: spool.readDataset(r.id, lease), timeoutMs: 120_000, onDatasetReleased: (n) => lease.release(n) });
      lease.giveBack();
      if (res.status !== 0) throw new Error(`C-STORE status ${res.status}`);
      await recorder.add({ id: r.id, status: res.status, transferSyntax: ts, startedAt });
    };
    const clock = new Clock();
    const inFlight: Array<Promise<void>> = [];
    for (const [i, { record: r }] of items.entries()) {
      if (i === WARMUP) {
        await Promise.all(inFlight.splice(0)); // the warm-up's last response
        clock.restart();
      }
      inFlight.push(one(r));
      if (inFlight.length >= PIPELINE_DEPTH) await inFlight.shift();
    }
    await Promise.all(inFlight);
    await recorder.settle();
    const run = clock.read();
    await assoc.release();
    return run;
  });
}

/** The daemon draining a copy of the spool; its CPU from the WARMUP-th forwarded file on. */
async function daemon(spoolDir: string): Promise<Run> {
  const port = await freePort();
  const s = await scp(port);
  try {
    const d = await startDaemon({ spoolDir, config: { destinations: [{ name: DESTINATION, aeTitle: 'BENCH', host: '127.0.0.1', port }] } });
    const stored = (): number => readdirSync(s.dir).length;
    await waitFor('warm-up forwarded', 600_000, () => Promise.resolve(stored() >= WARMUP), 1);
    const c0 = processCpu(d.pid).own;
    await waitFor('all forwarded', 600_000, () => Promise.resolve(stored() >= WARMUP + COUNT), 10);
    const cpu = processCpu(d.pid).own - c0;
    await waitFor('all recorded', 60_000, async () => (await d.destination(DESTINATION)).forwarded === WARMUP + COUNT, 50);
    const time = (l: Record<string, unknown>): number => Date.parse(l.time as string);
    const fwd = d.logs.filter((l) => l.msg === 'instance forwarded');
    const s0 = WARMUP > 0 ? time(fwd[WARMUP - 1]) : time(d.logs.find((l) => l.msg === 'ready')!);
    await d.kill('SIGTERM');
    return { s: (time(fwd[fwd.length - 1]) - s0) / 1000, cpu };
  } finally {
    await stopScp(s);
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'pg-bench-floor-'));
try {
  const files = writeCtStudy(path.join(tmp, 'files'), COUNT, { rows: 512, cols: 512 }).map((f) => f.path);
  const warm = WARMUP > 0 ? writeCtStudy(path.join(tmp, 'warm-up'), WARMUP, { rows: 512, cols: 512 }).map((f) => f.path) : [];
  // Fill: the destination is configured but down, so every instance is queued for it.
  const master = path.join(tmp, 'spool');
  const filler = await startDaemon({ spoolDir: master, keepLogs: false, config: { destinations: [{ name: DESTINATION, aeTitle: 'BENCH', host: '127.0.0.1', port: await freePort() }] } });
  if (warm.length) await storescuSend(warm, filler.dicomPort, 'PACSGATE');
  await storescuSend(files, filler.dicomPort, 'PACSGATE');
  await filler.kill('SIGTERM');
  const copy = (): string => {
    const dir = path.join(tmp, `copy-${process.hrtime.bigint()}`);
    cpSync(master, dir, { recursive: true });
    return dir;
  };
  const cases = ['storescu', 'bare', 'recorded', 'scu', 'pacsgate'] as const;
  const runs: Record<(typeof cases)[number], Run[]> = { storescu: [], bare: [], recorded: [], scu: [], pacsgate: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of r % 2 ? [...cases].reverse() : cases) { // alternate the order: no case always first
      const dir = c === 'storescu' ? '' : copy();
      const run = c === 'storescu' ? await viaStorescu(files, warm) : c === 'pacsgate' ? await daemon(dir) : c === 'scu' ? await viaScu(dir) : await bare(dir, c === 'recorded');
      if (dir) rmSync(dir, { recursive: true, force: true });
      runs[c].push(run);
      console.log(JSON.stringify({ round: r, case: c, s: +run.s.toFixed(3), cpu: +run.cpu.toFixed(2) }));
    }
  }
  const ref = median(runs.storescu.map((x) => x.s));
  console.log(JSON.stringify(Object.fromEntries(cases.map((c) => {
    const s = median(runs[c].map((x) => x.s));
    return [c, { s: +s.toFixed(3), cpu: +median(runs[c].map((x) => x.cpu)).toFixed(2), ratio: +(ref / s).toFixed(2) }];
  }))));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
