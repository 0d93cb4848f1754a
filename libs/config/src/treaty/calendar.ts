/**
 * Calendar dates (YYYY-MM-DD) as the treaties use them. Dates in config are whole legal days;
 * the gateway compares them with instants in UTC, and a day counts from 00:00 to 24:00 UTC.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export function startOfDay(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

/** True when `at` falls on or after `from` and on or before `to` (both whole days; `to` may be open). */
export function withinDays(at: Date, from: string | null, to: string | null): boolean {
  const t = at.getTime();
  if (from !== null && t < startOfDay(from)) return false;
  if (to !== null && t >= startOfDay(to) + DAY_MS) return false;
  return true;
}

/**
 * Adds calendar months the way a period "in months" is counted in civil law: it ends on the
 * same day number of the last month, or on that month's last day when it has no such day
 * (e.g. 31 August + 6 months → 28/29 February).
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((startOfDay(to) - startOfDay(from)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(startOfDay(date) + days * DAY_MS).toISOString().slice(0, 10);
}
