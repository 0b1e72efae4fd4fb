// Command-line entry (CONTRACT.md "Commands"): run | echo | send | status, --help everywhere.
// Parses arguments only; the daemon lives in main.ts, the DICOM tools in services/.
import { VERSION } from './version.js';
import { GatewayError } from './errors.js';

const USAGE = `pacsgate ${VERSION} - DICOM edge gateway

Usage:
  pacsgate [--config FILE]                 run the daemon (foreground)
  pacsgate echo AET@HOST:PORT              C-ECHO a DICOM peer
  pacsgate send AET@HOST:PORT FILE_OR_DIR… C-STORE files (directories recursively)
  pacsgate status [--url URL]              print a running daemon's status
  pacsgate selftest                        check that the native addon works on this machine
  pacsgate --version | --help

Settings come from embedded defaults, then the config file (--config or PACSGATE_CONFIG),
then PACSGATE_* environment variables; see README.md.`;

const SUB_USAGE: Record<string, string> = {
  echo: `Usage: pacsgate echo [--calling AET] [--timeout SECONDS] AET@HOST:PORT
Sends a C-ECHO (Verification, PS3.4 Annex A) and exits 0 on status Success.`,
  send: `Usage: pacsgate send [--calling AET] [--timeout SECONDS] AET@HOST:PORT FILE_OR_DIR...
Sends every DICOM Part-10 file given (directories are walked) with C-STORE; exit 0 when all succeeded.`,
  status: `Usage: pacsgate status [--url URL]
Prints /api/status of a running daemon (default URL http://127.0.0.1:8080, or PACSGATE_HTTP_HOST/PORT).`,
  selftest: `Usage: pacsgate selftest
Runs the native addon's round-trip checks; exit 0 when all pass.`,
  run: `Usage: pacsgate [run] [--config FILE]
Runs the gateway in the foreground. SIGTERM/SIGINT stop it gracefully.`,
};

export interface ParsedArgs {
  positional: string[];
  options: Record<string, string | true>;
}

/** Splits argv into positionals and --options; options listed in `withValue` take the next word. */
export function parseArgs(argv: string[], withValue: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) options[name] = a.slice(eq + 1);
      else if (withValue.includes(name)) {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
        options[name] = argv[++i];
      } else options[name] = true;
    } else if (a === '-h') options.help = true;
    else positional.push(a);
  }
  return { positional, options };
}

export class UsageError extends Error {}

function out(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
}

export async function run(argv: string[]): Promise<void> {
  const sub = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'run';
  const rest = sub === 'run' && argv[0] !== 'run' ? argv : argv.slice(1);
  try {
    const args = parseArgs(rest, ['config', 'url', 'calling', 'timeout']);
    if (args.options.version) return out(VERSION);
    if (args.options.help) return out(sub === 'run' && argv[0] !== 'run' ? USAGE : SUB_USAGE[sub] ?? USAGE);
    switch (sub) {
      case 'run': {
        const { runDaemon } = await import('./main.js');
        await runDaemon({ configFile: typeof args.options.config === 'string' ? args.options.config : undefined });
        return;
      }
      case 'status': {
        const { printStatus } = await import('./tools/status.js');
        process.exitCode = await printStatus(typeof args.options.url === 'string' ? args.options.url : undefined);
        return;
      }
      case 'selftest': {
        const { runSelfTest } = await import('./tools/selftest.js');
        process.exitCode = await runSelfTest();
        return;
      }
      case 'echo':
      case 'send': {
        const tools = await import('./tools/dicom-tools.js');
        process.exitCode = sub === 'echo' ? await tools.echoCommand(args) : await tools.sendCommand(args);
        return;
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(sub)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`pacsgate: ${err.message}\n${SUB_USAGE[sub] ?? USAGE}\n`);
      process.exitCode = 64;
      return;
    }
    if (err instanceof GatewayError) {
      process.stderr.write(`pacsgate: ${err.message}\n`);
      process.exitCode = err.code === 'GW_ERR_CONFIG' ? 78 : 1;
      return;
    }
    throw err;
  }
}
