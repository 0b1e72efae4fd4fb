// Host steal time for the benches: CPU time the hypervisor gave other guests while a run was going
// (/proc/stat "cpu" line, field 8, in clock ticks). On a shared machine a run with a burst of steal
// measures the neighbours, not pacsgate; the benches print it per run and repeat runs above a limit.
import { readFileSync } from 'node:fs';

/** The host's total steal ticks so far (all CPUs). */
export function hostStealTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  return Number(cpu[8] ?? 0);
}

/**
 * Runs `measure` until the host stole at most `maxSteal` ticks during it, at most 1 + `retries` times;
 * `report` sees every attempt (and whether it is kept). Returns the kept result.
 */
export async function withLowSteal<T>(measure: () => Promise<T>, maxSteal: number, retries: number,
  report: (result: T, steal: number, verdict: 'kept' | 'discarded' | 'noisy, kept') => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const steal0 = hostStealTicks();
    const result = await measure();
    const steal = hostStealTicks() - steal0;
    if (steal <= maxSteal) {
      report(result, steal, 'kept');
      return result;
    }
    if (attempt >= retries) {
      report(result, steal, 'noisy, kept');
      return result;
    }
    report(result, steal, 'discarded');
  }
}
