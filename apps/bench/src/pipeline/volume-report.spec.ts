import type { Interval } from './interval-watch';
import { reportIntervals } from './volume-report';

const GROUPS = ['KZ gateway', 'PostgreSQL'] as const;

/** A minute from `start` s, with the CPU seconds given and RSS at its end. */
function minute(start: number, cpu: Record<string, number>, kzRss: number): Interval {
  return {
    startedAt: start * 1000,
    endedAt: (start + 60) * 1000,
    cpu,
    rssMiB: { 'KZ gateway': kzRss },
  };
}

/** `n` deliveries spread over the minute starting at `start` s. */
function deliveries(start: number, n: number, into: Map<string, number>): void {
  for (let i = 0; i < n; i++) into.set(`${start}-${i}`, start * 1000 + (i * 60_000) / n);
}

describe('reportIntervals', () => {
  let written: string;

  beforeEach(() => {
    written = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
  });

  afterEach(() => jest.restoreAllMocks());

  it('gives each minute its throughput, CPU per message and RSS, and the last against the first', () => {
    const delivered = new Map<string, number>();
    deliveries(0, 6000, delivered);
    deliveries(60, 5400, delivered);
    const figures = reportIntervals(
      [
        minute(0, { 'KZ gateway': 6, PostgreSQL: 3 }, 250),
        minute(60, { 'KZ gateway': 6.48, PostgreSQL: 3.24 }, 260),
      ],
      delivered,
      GROUPS,
    );

    expect(figures).toMatchObject({
      longMinutes: 2,
      long_m1_deliveredPerSecond: 100,
      long_m1_cpuMicrosPerMessage_KZ: 1000,
      long_m1_cpuMicrosPerMessage_PostgreSQL: 500,
      long_m1_cpuMicrosPerMessageTotal: 1500,
      long_m1_rssMiB_KZ: 250,
      long_m2_deliveredPerSecond: 90,
      long_m2_cpuMicrosPerMessageTotal: 1800,
      long_m2_rssMiB_KZ: 260,
      longLastVsFirstThroughputChange: -0.1,
      longLastVsFirstCpuPerMessageChange: 0.2,
    });
    expect(written).toContain('throughput -10.0 %, CPU per message +20.0 %');
    expect(written).toContain('yes / NO');
  });

  it('reports nothing without a long run', () => {
    expect(reportIntervals([], new Map(), GROUPS)).toEqual({});
    expect(written).toBe('');
  });
});
