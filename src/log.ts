// Root pino logger: JSON lines on stdout (journald keeps them). Created once in main and passed
// down as child loggers; nothing deep in the code imports a global logger (STYLE.md "Logging").
import pino, { type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config/types.js';

export type { Logger } from 'pino';

/**
 * Patient attributes never reach info-level logs; these paths are redacted should a caller pass a
 * dataset summary by mistake (STYLE.md: "Patient attributes never at info").
 */
const REDACT = [
  'patientName', 'patientId', 'patientBirthDate', 'PatientName', 'PatientID', 'PatientBirthDate',
  '*.patientName', '*.patientId', '*.patientBirthDate', '*.PatientName', '*.PatientID', '*.PatientBirthDate',
];

export interface RootLogger {
  logger: Logger;
  /** Synchronously writes anything buffered; call before exit. */
  flush(): void;
}

export function createLogger(level: LogLevel, dest?: DestinationStream): RootLogger {
  // Synchronous writes: a line is out before the call returns, so nothing is lost on SIGTERM, kill or
  // crash, and flushSync never races an in-flight asynchronous write (which reordered lines). At a
  // few lines per stored instance the cost is negligible (bench/receive measures with it).
  const stream = dest ?? pino.destination({ dest: 1, sync: true });
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  return {
    logger,
    flush() {
      const s = stream as unknown as { flushSync?: () => void };
      try {
        s.flushSync?.();
      } catch {
        // flushSync throws if the stream is not ready yet (nothing was written): nothing to flush.
      }
    },
  };
}
