// CPU time of processes on this machine, from /proc: what a bench row cost the server and the
// database, a figure that moves less with the neighbours' load than wall-clock rates do.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of a process so far (clock ticks of 1/100 s); 0 when it is gone. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds so far of the PostgreSQL backends whose title names `database` (a backend that ended is not counted). */
export function backendSeconds(database: string | undefined): number {
  if (!database) return 0;
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(database)) total += cpuSeconds(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}
