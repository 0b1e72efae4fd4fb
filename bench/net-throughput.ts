// Throughput sanity check: storescu sends N copies of a ~475 KiB file (OBXXXX1A, explicit VR LE) to
// (a) startDicomServer with a discarding sink and (b) DCMTK storescp +B -od tmp, same run, same machine.
// Usage: node dist/bench/net-throughput.js [N=200]. Prints instances/s and MiB/s for each.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDicomServer } from '../src/net/server.js';
import { run, silentLog, testPolicy, TESTDATA } from '../test/helpers/net.js';

const N = Number(process.argv[2] ?? 200);
const FILE = path.join(TESTDATA, 'pylibjpeg-data', 'ds', 'LittleEndianExplicit', 'OBXXXX1A.dcm');
const files = Array.from({ length: N }, () => FILE);
const size = statSync(FILE).size;

async function timeStorescu(port: number, aec: string): Promise<number> {
  const t0 = performance.now();
  const r = await run('storescu', ['-aec', aec, '--max-pdu', '131072', '127.0.0.1', String(port), ...files], 120000);
  if (r.code !== 0) throw new Error(`storescu failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

function report(name: string, s: number): void {
  console.log(`${name.padEnd(28)} ${N} instances in ${s.toFixed(2)} s: ${(N / s).toFixed(1)} inst/s, ${((N * size) / s / 1048576).toFixed(1)} MiB/s`);
}

async function ours(): Promise<void> {
  let bytes = 0;
  const server = await startDicomServer({
    host: '127.0.0.1', port: 0, log: silentLog(), policy: testPolicy({ maxPduLength: 131072 }), // same as storescp --max-pdu below
    handlers: { onStoreRequest: () => ({ write: (c) => void (bytes += c.length), end: async () => ({ status: 0 }), abort: () => {} }) },
  });
  try {
    report('pacsgate (discarding sink)', await timeStorescu(server.port, 'PACSGATE'));
    console.log(`  received ${(bytes / 1048576).toFixed(1)} MiB of data sets`);
  } finally {
    await server.close(1000);
  }
}

async function dcmtk(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-bench-'));
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const p = spawn('storescp', ['+B', '--max-pdu', '131072', '-od', dir, String(port)], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 500));
    report('storescp +B -od tmp', await timeStorescu(port, 'STORESCP'));
  } finally {
    p.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await ours();
await dcmtk();
await ours();
await dcmtk();
