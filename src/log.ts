// Root pino logger: JSON lines on stdout (journald keeps them). Created once in main and passed
// down as child loggers; nothing deep in the code imports a global logger (STYLE.md "Logging").
import pino, { type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config/types.js';

export type { Logger } from 'pino';

/**
 * Patient attributes never reach info-level logs; these keys are censored should a caller pass a
 * dataset summary by mistake (STYLE.md: "Patient attributes never at info"): at the top level of a log
 * call's object and of a child's bindings (pino `redact`), and one plain object down in a log call's
 * object (`censorPatient`, as formatters.log). pino's wildcard paths (`*.patientName`) would do the
 * second part too, but cost ~25 µs per line here, about three times the rest of the line.
 */
const PATIENT_KEY_LIST = ['patientName', 'patientId', 'patientBirthDate', 'PatientName', 'PatientID', 'PatientBirthDate'];
const PATIENT_KEYS = new Set(PATIENT_KEY_LIST);
const CENSOR = '[redacted]';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `obj` with patient attributes one plain object down censored: a copy where one was found (the
 * caller's object is never changed), `obj` itself otherwise, so the usual line costs a walk over its
 * keys and no allocation. (Top-level keys are pino `redact`'s.)
 */
export function censorPatient(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (isPlainObject(v)) {
      let inner: Record<string, unknown> | undefined;
      for (const j of Object.keys(v)) if (PATIENT_KEYS.has(j)) (inner ??= { ...v })[j] = CENSOR;
      if (inner) (out ??= { ...obj })[k] = inner;
    }
  }
  return out ?? obj;
}

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
      redact: { paths: PATIENT_KEY_LIST, censor: CENSOR },
      formatters: { level: (label) => ({ level: label }), log: censorPatient },
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
