import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Client } from 'pg';

/** Clock ticks per second of /proc/<pid>/stat's times (almost always 100 on Linux). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A named group of processes whose CPU is summed: one gateway, the broker, the database. */
export interface ProcessGroup {
  readonly name: string;
  /** The group's current pids (re-read at every sample: PostgreSQL forks backends). */
  pids(): number[] | Promise<number[]>;
}

/** CPU seconds each group has used so far; subtract two of them for a window. */
export type CpuSample = Record<string, number>;

/** The processes on this machine whose command name is `comm` (`postgres`, `beam.smp`). */
export function processesNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}

/**
 * User + system CPU seconds of a process, including its reaped children's: a PostgreSQL backend
 * that ends moves its time into the postmaster's cutime, so a group's sum never goes back.
 */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return (utime + stime + cutime + cstime) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident set size of a process in MiB (0 when it has ended). */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return kb ? Number(kb[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples the CPU of process groups, and of this process (the load generator). A process that
 * leaves its group (a PostgreSQL backend closed by an idle pool) keeps counting with the CPU it
 * had at its last sample, so a group's total never goes back.
 */
export class CpuSampler {
  private readonly seen = new Map<string, Map<number, number>>();
  private readonly gone = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly groups: readonly ProcessGroup[]) {}

  /** One sample at a time (a long run's minute timer and a phase may ask at once). */
  sample(): Promise<CpuSample> {
    const next = this.queue.then(() => this.sampleNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async sampleNow(): Promise<CpuSample> {
    const sample: CpuSample = {};
    for (const group of this.groups) {
      const pids = await group.pids();
      const before = this.seen.get(group.name) ?? new Map<number, number>();
      // A process that ended between listing and reading keeps its last reading.
      const now = new Map(pids.map((pid) => [pid, cpuSecondsOf(pid) || (before.get(pid) ?? 0)]));
      let gone = this.gone.get(group.name) ?? 0;
      for (const [pid, cpu] of before) if (!now.has(pid)) gone += cpu;
      this.seen.set(group.name, now);
      this.gone.set(group.name, gone);
      sample[group.name] = gone + [...now.values()].reduce((sum, cpu) => sum + cpu, 0);
    }
    const self = process.cpuUsage();
    sample['load generator'] = (self.user + self.system) / 1e6;
    return sample;
  }

  /** CPU seconds per group between two samples. */
  static between(from: CpuSample, to: CpuSample): CpuSample {
    return Object.fromEntries(Object.keys(to).map((k) => [k, to[k] - (from[k] ?? 0)]));
  }
}

/**
 * The application_name of the bench's own connections to the gateways' databases (the receipt
 * watch, the drain): postgresBackends leaves them out, so that what the bench asks is not
 * counted as what the gateways cost (#16).
 */
export const BENCH_WATCH_APPLICATION = 'mxg-bench-watch';

/**
 * The PostgreSQL backends serving this bench's databases (`mxg_bench_…`), found through
 * pg_stat_activity at each sample, so that other work on a shared server is not counted. The
 * shared WAL writer and checkpointer are left out (they serve every database), and so are the
 * bench's own watching connections (BENCH_WATCH_APPLICATION).
 */
export function postgresBackends(client: Client, prefix = 'mxg_bench_'): ProcessGroup {
  return {
    name: 'PostgreSQL',
    pids: async () => {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname LIKE $1 AND pid <> pg_backend_pid() AND application_name <> $2`,
        [`${prefix.replace(/_/g, '\\_')}%`, BENCH_WATCH_APPLICATION],
      );
      return rows.map((r) => r.pid);
    },
  };
}
