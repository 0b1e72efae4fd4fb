// CPU time of a process for the benches, from /proc/PID/stat (proc(5): utime, stime, cutime, cstime
// are fields 14-17, in clock ticks of 10 ms).
import { readFileSync } from 'node:fs';

export interface ProcessCpu {
  /** utime + stime: the process's own threads, in seconds. */
  own: number;
  /** cutime + cstime: its children that it has waited for (storescp --fork's, storescu's), in seconds. */
  children: number;
}

export function processCpu(pid: number | 'self'): ProcessCpu {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
  return { own: (Number(f[14 - 3]) + Number(f[15 - 3])) / 100, children: (Number(f[16 - 3]) + Number(f[17 - 3])) / 100 };
}
