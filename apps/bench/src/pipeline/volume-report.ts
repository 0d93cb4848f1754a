import { printTable } from '../table';
import type { Interval } from './interval-watch';

/** Within this of the first minute, the last minute's throughput and CPU per message (#16). */
export const VOLUME_TOLERANCE = 0.1;

/**
 * Prints the long run minute by minute — delivered msgs/s, CPU µs per delivered message per
 * process, the gateways' RSS — and the last minute against the first; returns the figures for
 * the JSON line (`long_m<n>_…`, `longLastVsFirst…`).
 */
export function reportIntervals(
  intervals: readonly Interval[],
  deliveredAt: ReadonlyMap<string, number>,
  groups: readonly string[],
): Record<string, number | string> {
  if (intervals.length === 0) return {};
  const times = [...deliveredAt.values()];
  const rows = intervals.map((interval) => {
    const delivered = times.filter((t) => t >= interval.startedAt && t < interval.endedAt).length;
    const seconds = (interval.endedAt - interval.startedAt) / 1000;
    const perMessage = (group: string) =>
      ((interval.cpu[group] ?? 0) * 1e6) / Math.max(1, delivered);
    const cpu = Object.fromEntries(groups.map((g) => [g, perMessage(g)]));
    return {
      seconds,
      deliveredPerSecond: delivered / seconds,
      cpu,
      total: groups.reduce((sum, g) => sum + cpu[g], 0),
      rss: interval.rssMiB,
    };
  });
  process.stdout.write(
    '\nlong run minute by minute (CPU µs per message delivered at AZ in that minute; RSS at its end)\n',
  );
  printTable(
    rows.map((r, i) => ({
      minute: `${i + 1}${r.seconds < 59 ? ` (${Math.round(r.seconds)} s)` : ''}`,
      'delivered/s': Math.round(r.deliveredPerSecond),
      ...Object.fromEntries(groups.map((g) => [short(g), Math.round(r.cpu[g])])),
      total: Math.round(r.total),
      ...Object.fromEntries(
        Object.entries(r.rss).map(([name, mib]) => [`${short(name)} MiB`, Math.round(mib)]),
      ),
    })),
  );
  const first = rows[0];
  const last = rows[rows.length - 1];
  const throughput = last.deliveredPerSecond / Math.max(1e-9, first.deliveredPerSecond) - 1;
  const cpu = last.total / Math.max(1e-9, first.total) - 1;
  const within = (change: number) => (Math.abs(change) <= VOLUME_TOLERANCE ? 'yes' : 'NO');
  process.stdout.write(
    `last minute vs first: throughput ${percent(throughput)}, CPU per message ${percent(cpu)} ` +
      `(target within ±${VOLUME_TOLERANCE * 100} %: ${within(throughput)} / ${within(cpu)})\n`,
  );
  const figures: Record<string, number | string> = {
    longMinutes: rows.length,
    longLastVsFirstThroughputChange: round3(throughput),
    longLastVsFirstCpuPerMessageChange: round3(cpu),
  };
  rows.forEach((r, i) => {
    const key = (name: string) => `long_m${i + 1}_${name}`;
    figures[key('deliveredPerSecond')] = Math.round(r.deliveredPerSecond);
    for (const g of groups) figures[key(`cpuMicrosPerMessage_${short(g)}`)] = Math.round(r.cpu[g]);
    figures[key('cpuMicrosPerMessageTotal')] = Math.round(r.total);
    for (const [name, mib] of Object.entries(r.rss)) {
      figures[key(`rssMiB_${short(name)}`)] = Math.round(mib);
    }
  });
  return figures;
}

/** `KZ gateway` → `KZ`, `RabbitMQ` → `RabbitMQ`. */
const short = (name: string) => name.replace(/ .*/, '');
const percent = (change: number) => `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
