// Test helper process for test/integration/spool-io-error.test.ts. Runs under `ulimit -f` (file size
// limit), so LMDB's writes start failing once data.mdb reaches the limit: a real I/O error from the
// kernel, not a mock. Commits 512 KiB instances until one fails, then prints one JSON line.
import pino from 'pino';
import { GatewayError } from '../../src/errors.js';
import { Spool } from '../../src/spool/index.js';

process.on('SIGXFSZ', () => undefined); // the write then fails with EFBIG instead of killing us
const dir = process.argv[2];
if (!dir) throw new Error('usage: spool-io-error-child DIR');
const spool = await Spool.open({ dir, maxBytes: 1024 ** 3, log: pino({ level: 'silent' }) });
const committed: number[] = [];
let failure: { code: string; at: number } | undefined;
for (let i = 0; i < 200 && !failure; i++) {
  const w = spool.beginInstance({
    sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: `2.25.77.${i}`, transferSyntax: '1.2.840.10008.1.2.1',
    callingAe: 'IOERR', calledAe: 'PACSGATE', peer: '127.0.0.1',
  });
  try {
    for (let k = 0; k < 8; k++) await w.write(Buffer.alloc(64 * 1024, i));
    committed.push((await w.commit({}, ['A'])).id);
  } catch (err) {
    failure = { code: err instanceof GatewayError ? err.code : `not a GatewayError: ${String(err)}`, at: i };
    await w.abort().catch(() => undefined); // may fail too: the disk is still "full"
  }
}
await new Promise((resolve) => setImmediate(resolve)); // lmdb-js reports the system error a moment later
const health = spool.health();
let beginAfter = 'allowed';
try {
  spool.beginInstance({ sopClassUid: '1', sopInstanceUid: '2.25.78', transferSyntax: '1', callingAe: 'A', calledAe: 'B', peer: 'p' });
} catch (err) {
  beginAfter = (err as GatewayError).code;
}
process.stdout.write(JSON.stringify({ committed, failure, health, beginAfter }) + '\n');
process.exit(0);
