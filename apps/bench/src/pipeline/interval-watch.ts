import { performance } from 'node:perf_hooks';
import { CpuSampler, type CpuSample, rssMiB } from './cpu-sampler';

/** One interval of a long run: CPU per process group, and the gateways' RSS at its end. */
export interface Interval {
  /** ms since the epoch, as the load generator's and the databases' timestamps. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly cpu: CpuSample;
  readonly rssMiB: Record<string, number>;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Samples CPU and RSS every `everyMs` (a minute) while a long run goes on, so that a cost growing
 * with volume — tables and indexes growing, bloat, vacuum, a scan — shows as the run goes on
 * (#16). A last interval shorter than half of `everyMs` is dropped.
 */
export class IntervalWatch {
  private readonly intervals: Interval[] = [];
  private timer?: NodeJS.Timeout;
  private last?: { at: number; cpu: CpuSample };
  private sampling = Promise.resolve();

  constructor(
    private readonly sampler: CpuSampler,
    /** The processes whose RSS is read, by name (`KZ gateway`). */
    private readonly rssOf: Record<string, number>,
    private readonly everyMs = 60_000,
  ) {}

  async start(): Promise<void> {
    this.last = { at: now(), cpu: await this.sampler.sample() };
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.close());
    }, this.everyMs);
    this.timer.unref(); // a failed run must still end
  }

  async stop(): Promise<Interval[]> {
    clearInterval(this.timer);
    await this.sampling;
    if (this.last && now() - this.last.at >= this.everyMs / 2) await this.close();
    return this.intervals;
  }

  private async close(): Promise<void> {
    const cpu = await this.sampler.sample();
    const at = now();
    if (!this.last) return;
    this.intervals.push({
      startedAt: this.last.at,
      endedAt: at,
      cpu: CpuSampler.between(this.last.cpu, cpu),
      rssMiB: Object.fromEntries(
        Object.entries(this.rssOf).map(([name, pid]) => [name, rssMiB(pid)]),
      ),
    });
    this.last = { at, cpu };
  }
}
