import { addDays, daysBetween } from '@mxg/config';
import { MxgError } from '@mxg/core';

/**
 * MIG-10.3: a request is executed within 30 calendar days from its receipt. The days are the
 * requested authority's: its calendar, in its own time zone (an IANA name from
 * `config/authorities.yaml`, e.g. `Asia/Almaty` for Astana, `Asia/Baku` for Baku), because the
 * obligation is that authority's. Receipt is the instant in the receiving gateway's signed
 * receipt — the one both gateways hold — never a national system's own timestamp.
 *
 * The deadline is legal, not negotiated: a delay notice (MIG-10.1) or a postponement
 * (MIG-10.2) never moves it. A postponement's until-date is recorded beside the due date, so a
 * late answer shows both. Every function here is pure: the caller passes `now` from its `Clock`.
 */

/** MIG-10.3: 30 calendar days. */
export const EXECUTION_DAYS = 30;

/** A time zone name no Intl database knows; raised rather than silently falling back to UTC. */
export class UnknownTimeZoneError extends MxgError {
  constructor(readonly timeZone: string) {
    super(
      'UNKNOWN_TIME_ZONE',
      `time zone "${timeZone}" is not an IANA time zone name (e.g. Asia/Almaty, Asia/Baku); ` +
        `fix the authority's timeZone in config/authorities.yaml`,
      { timeZone },
    );
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    try {
      // en-CA writes dates as YYYY-MM-DD.
      format = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    } catch (error) {
      if (error instanceof RangeError) throw new UnknownTimeZoneError(timeZone);
      throw error;
    }
    formats.set(timeZone, format);
  }
  return format;
}

function formatDate(ms: number, timeZone: string): string {
  const parts = formatFor(timeZone).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * Today's time zones are offset from UTC by whole quarter hours, so a wall clock's date changes
 * only on a quarter hour of UTC: within one, the date is that of both its ends.
 */
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/** Per time zone, the quarter hour last asked about and its date (#16: `formatToParts` was 1 % of a receiving gateway's CPU). */
const quarters = new Map<string, { readonly start: number; readonly date: string }>();

/** The calendar date (YYYY-MM-DD) of `at` on a wall clock in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const ms = at.getTime();
  const start = Math.floor(ms / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const known = quarters.get(timeZone);
  if (known?.start === start) return known.date;
  const date = formatDate(ms, timeZone); // an invalid date throws here, as Intl does
  // Kept only where both ends agree: a zone whose date changed inside this quarter hour (an
  // offset of another kind, as before standard time) is formatted every time.
  const last = start + QUARTER_HOUR_MS - 1;
  if (formatDate(start, timeZone) === date && formatDate(last, timeZone) === date) {
    quarters.set(timeZone, { start, date });
  }
  return date;
}

/**
 * MIG-10.3: the last day to execute a request — the requested authority's local date of receipt
 * plus 30 days. The day of receipt itself does not count (a period counted in days starts on the
 * next day), so a request received on 1 April is due on 1 May.
 */
export function dueDate(receivedAt: Date, timeZone: string): string {
  return addDays(localDate(receivedAt, timeZone), EXECUTION_DAYS);
}

/**
 * Whole days from the authority's local date `now` to the due date: 0 on the due day itself
 * (still in time), negative once overdue.
 */
export function daysLeft(due: string, now: Date, timeZone: string): number {
  return daysBetween(localDate(now, timeZone), due);
}

/** MIG-10.3: overdue from local midnight after the due date — the whole due day is in time. */
export function isOverdue(due: string, now: Date, timeZone: string): boolean {
  return daysLeft(due, now, timeZone) < 0;
}

/** Not yet overdue, but due within `withinDays` days of the authority's local date (0 = today). */
export function nearlyDue(due: string, now: Date, timeZone: string, withinDays: number): boolean {
  const left = daysLeft(due, now, timeZone);
  return left >= 0 && left <= withinDays;
}
