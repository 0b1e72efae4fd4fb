// System layer: sd_notify(3) policy for the daemon — readiness, status, stopping, watchdog.
// Decides when and what to send from NOTIFY_SOCKET / WATCHDOG_USEC / WATCHDOG_PID; the datagram itself
// goes through the addon (src/native/binding.ts). Must not import protocol layers or exit the process.
import type { Logger } from '../log.js';
import { sdNotify } from '../native/binding.js';

/** What main needs from systemd; every method is a no-op when not started by systemd. */
export interface SystemdNotifier {
  /** true when NOTIFY_SOCKET is set (we were started by a Type=notify service manager). */
  readonly enabled: boolean;
  /** Watchdog period in microseconds asked by the manager for this process; 0 when none. */
  readonly watchdogUsec: number;
  /** READY=1 (plus STATUS= when given): start-up is complete. */
  ready(status?: string): void;
  /** STATUS=…: one free-form line shown by `systemctl status`. */
  status(text: string): void;
  /** STOPPING=1: shutdown has begun. */
  stopping(): void;
  /** EXTEND_TIMEOUT_USEC=…: asks for more time for the start-up or shutdown in progress. */
  extendTimeout(usec: number): void;
  /** Sends WATCHDOG=1 at half of WATCHDOG_USEC from an unref'd event-loop timer; returns its stop function. */
  startWatchdog(): () => void;
}

export type NotifySender = (socketPath: string, message: string) => number;

export interface NotifierDeps {
  /** Defaults to the addon's sdNotify. */
  send?: NotifySender;
  /** Defaults to process.pid. */
  pid?: number;
}

/** sd_notify(3): each line of the datagram is one VAR=value assignment, so a value must be one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

/**
 * sd_watchdog_enabled(3): WATCHDOG_USEC is the period; when WATCHDOG_PID is set, the watchdog is
 * meant for that process only (a child that inherited the environment must not ping).
 */
export function watchdogUsecFor(env: NodeJS.ProcessEnv, pid: number): number {
  const raw = env.WATCHDOG_USEC;
  if (!raw || !/^\d+$/.test(raw)) return 0;
  const usec = Number(raw);
  if (!Number.isSafeInteger(usec) || usec <= 0) return 0;
  const wpid = env.WATCHDOG_PID;
  if (wpid !== undefined && wpid !== '' && Number(wpid) !== pid) return 0;
  return usec;
}

const DISABLED: SystemdNotifier = {
  enabled: false,
  watchdogUsec: 0,
  ready() {},
  status() {},
  stopping() {},
  extendTimeout() {},
  startWatchdog: () => () => {},
};

/**
 * Creates the notifier from the service manager's environment. Without NOTIFY_SOCKET every method
 * is a no-op. Send failures are logged (once per errno, at warn) and never thrown: losing a status
 * line must not stop the gateway; a lost WATCHDOG=1 is what the watchdog exists to notice.
 */
export function createSystemdNotifier(env: NodeJS.ProcessEnv, log: Logger, deps: NotifierDeps = {}): SystemdNotifier {
  const socketPath = env.NOTIFY_SOCKET;
  if (!socketPath) return DISABLED;
  const send = deps.send ?? sdNotify;
  const watchdogUsec = watchdogUsecFor(env, deps.pid ?? process.pid);
  const reported = new Set<number>();

  const notify = (message: string): void => {
    const errno = send(socketPath, message);
    if (errno === 0) {
      reported.clear();
      return;
    }
    if (!reported.has(errno)) {
      reported.add(errno);
      log.warn({ errno, socket: socketPath, message: message.split('\n')[0] }, 'sd_notify failed');
    }
  };

  return {
    enabled: true,
    watchdogUsec,
    ready(status) {
      notify(status === undefined ? 'READY=1' : `READY=1\nSTATUS=${oneLine(status)}`);
    },
    status(text) {
      notify(`STATUS=${oneLine(text)}`);
    },
    stopping() {
      notify('STOPPING=1');
    },
    extendTimeout(usec) {
      if (!Number.isSafeInteger(usec) || usec <= 0) return;
      notify(`EXTEND_TIMEOUT_USEC=${usec}`);
    },
    startWatchdog() {
      if (watchdogUsec === 0) return () => {};
      // systemd.service(5) WatchdogSec=: "send … regularly"; sd_watchdog_enabled(3) advises half the period.
      const periodMs = Math.max(1, Math.floor(watchdogUsec / 2000));
      log.debug({ periodMs }, 'watchdog started');
      notify('WATCHDOG=1');
      const timer = setInterval(() => notify('WATCHDOG=1'), periodMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
