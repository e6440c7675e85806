// CPU time by process over a phase, read from /proc: on a 2-core machine the figures of one process
// depend on what the others took, so the benches print where the cores went.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Starts counting for the named processes; the returned function gives each one's CPU seconds since. */
export function cpuMeter(processes: Record<string, number | undefined>): () => string {
  const pidOf = (name: string, pid: number | undefined): number => {
    if (pid === undefined) throw new Error(`${name} has no process id`);
    return pid;
  };
  const start = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pidOf(name, pid))]));
  return () =>
    Object.entries(processes)
      .map(([name, pid]) => `${name} ${(cpuSeconds(pidOf(name, pid)) - (start[name] ?? 0)).toFixed(1)} s`)
      .join(', ');
}
