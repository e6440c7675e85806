// CPU time by process over a phase, read from /proc: on a 2-core machine the figures of one process
// depend on what the others took, so the benches print where the cores went.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 where /proc cannot tell. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Starts counting for the named processes; the returned function gives each one's CPU seconds since. */
export function cpuMeter(processes: Record<string, number | undefined>): () => string {
  const start = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return () =>
    Object.entries(processes)
      .map(([name, pid]) => `${name} ${(cpuSeconds(pid) - (start[name] ?? 0)).toFixed(1)} s`)
      .join(', ');
}
