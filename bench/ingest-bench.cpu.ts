// Where the CPU of one server-path row went (bench/ingest-bench-cluster.ts): each process's
// user + system time from /proc over the measured window, and how often PostgreSQL backends of
// the bench database waited on the commit-order lock. CPU seconds move less than msg/s on a
// machine shared with other work, so the rows are compared by µs of CPU per message.
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a live process, in seconds; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may hold spaces: the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine (every core) since boot. */
export function machineBusySeconds(): number {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const v = (cpu as string).trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
  const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
  return busy / TICKS_PER_SECOND;
}

export interface CpuWindow {
  /** CPU seconds per named process (servers by node), 'postgres' for the bench database's backends. */
  seconds: Record<string, number>;
  machine: number;
  wall: number;
  /** Mean number of the bench database's backends waiting on an advisory lock / running a statement, sampled. */
  lockWaiters: number;
  active: number;
}

/**
 * Starts counting now; stop() gives the CPU used since, per process. `named` are the fixed
 * processes (servers, Mosquitto); the bench database's backends are found by name in
 * pg_stat_activity each sample (pools open and close them).
 */
export function startCpuWindow(named: Record<string, number>, db: pg.Client, database: string): { stop(extra?: Record<string, number>): Promise<CpuWindow> } {
  const base = Object.fromEntries(Object.entries(named).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const backendBase = new Map<number, number>();
  const backendLast = new Map<number, number>();
  const machine = machineBusySeconds();
  const started = performance.now();
  let samples = 0;
  let waiters = 0;
  let active = 0;
  let sampling = true;
  const sample = async (first: boolean) => {
    const rows = (
      await db.query<{ pid: number; waiting: boolean; active: boolean }>(
        `SELECT pid, wait_event_type = 'Lock' AND wait_event = 'advisory' AS waiting, state = 'active' AS active
         FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      )
    ).rows;
    for (const r of rows) {
      const cpu = cpuSecondsOf(r.pid);
      if (!backendBase.has(r.pid)) backendBase.set(r.pid, first ? cpu : 0);
      backendLast.set(r.pid, cpu);
    }
    if (first) return;
    samples++;
    waiters += rows.filter((r) => r.waiting).length;
    active += rows.filter((r) => r.active).length;
  };
  const loop = (async () => {
    await sample(true);
    while (sampling) {
      await new Promise((r) => setTimeout(r, 100));
      await sample(false);
    }
  })();
  return {
    async stop(extra = {}) {
      sampling = false;
      await loop;
      const seconds: Record<string, number> = {};
      for (const [name, pid] of Object.entries(named)) seconds[name] = cpuSecondsOf(pid) - (base[name] ?? 0);
      let postgres = 0;
      for (const [pid, last] of backendLast) postgres += Math.max(cpuSecondsOf(pid), last) - (backendBase.get(pid) ?? 0);
      seconds.postgres = postgres;
      Object.assign(seconds, extra);
      return {
        seconds,
        machine: machineBusySeconds() - machine,
        wall: (performance.now() - started) / 1000,
        lockWaiters: samples ? waiters / samples : 0,
        active: samples ? active / samples : 0,
      };
    },
  };
}
