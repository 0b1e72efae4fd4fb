// `pacsgate echo` and `pacsgate send`: thin wrappers over the SCU services.
import pino from 'pino';
import { UsageError, type ParsedArgs } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { parsePeer } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import { echoPeer } from '../services/echo.js';

function cliLogger(): pino.Logger {
  return pino({ level: process.env.PACSGATE_LOG_LEVEL ?? 'warn' }, pino.destination({ dest: 2, sync: true }));
}

function timeoutMs(args: ParsedArgs): number {
  const t = args.options.timeout;
  if (t === undefined) return 30000;
  const n = Number(t);
  if (typeof t !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout: expected seconds > 0, found ${String(t)}`);
  return Math.round(n * 1000);
}

function callingAe(args: ParsedArgs): string {
  const c = args.options.calling;
  if (typeof c === 'string') {
    if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(c) || c.trim() === '') throw new UsageError(`--calling: expected an AE title of 1-16 characters, found ${JSON.stringify(c)}`);
    return c.trim();
  }
  return loadConfig().aeTitle;
}

/** `pacsgate echo [--calling AET] [--timeout S] AET@HOST:PORT`: exit 0 on status Success. */
export async function echoCommand(args: ParsedArgs): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('echo needs exactly one AET@HOST:PORT');
  const peer = parsePeer('peer', args.positional[0]);
  const r = await echoPeer({ host: peer.host, port: peer.port, calledAe: peer.aeTitle, callingAe: callingAe(args), timeoutMs: timeoutMs(args), log: cliLogger() });
  const ok = r.status === 0;
  process.stdout.write(
    `C-ECHO ${peer.aeTitle}@${peer.host}:${peer.port}: status 0x${r.status.toString(16).padStart(4, '0')} (${ok ? 'Success' : 'Failure'}), ` +
      `round trip ${r.roundTripMs.toFixed(1)} ms (association ${r.associateMs.toFixed(1)} ms)\n`,
  );
  return ok ? 0 : 1;
}

export async function sendCommand(_args: ParsedArgs): Promise<number> {
  throw new GatewayError('GW_ERR_NOT_BUILT', 'send: the DICOM network layer is not in this build yet');
}
