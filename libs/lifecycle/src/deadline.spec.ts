import { MxgError } from '@mxg/core';
import { daysLeft, dueDate, isOverdue, localDate, nearlyDue } from './deadline';

// Astana keeps UTC+05 all year (Asia/Almaty since 2024), Baku UTC+04 (no summer time).
const ASTANA = 'Asia/Almaty';
const BAKU = 'Asia/Baku';
const at = (iso: string) => new Date(iso);

describe('MIG-10.3 deadline', () => {
  describe(dueDate.name, () => {
    it.each([
      ['a plain month', '2026-03-10T06:00:00Z', ASTANA, '2026-04-09'],
      ['from 31 January, across February', '2026-01-31T06:00:00Z', ASTANA, '2026-03-02'],
      ['from 30 April, a 30-day month', '2026-04-30T06:00:00Z', ASTANA, '2026-05-30'],
      ['onto the leap day', '2028-01-30T06:00:00Z', ASTANA, '2028-02-29'],
      ['from the leap day', '2028-02-29T06:00:00Z', ASTANA, '2028-03-30'],
      ['across a February of 28 days (2027)', '2027-01-30T06:00:00Z', ASTANA, '2027-03-01'],
      ['onto 28 February 2027', '2027-01-29T06:00:00Z', BAKU, '2027-02-28'],
      ['across the year end', '2026-12-15T06:00:00Z', BAKU, '2027-01-14'],
      ['from 31 December', '2026-12-31T06:00:00Z', BAKU, '2027-01-30'],
    ])('counts 30 calendar days %s', (_case, receivedAt, timeZone, expected) => {
      expect(dueDate(at(receivedAt), timeZone)).toBe(expected);
    });

    it("counts from the requested authority's local date: 00:30 on 1 April in Astana is 23:30 on 31 March in Baku", () => {
      const receivedAt = at('2026-03-31T19:30:00Z');
      expect(localDate(receivedAt, ASTANA)).toBe('2026-04-01');
      expect(localDate(receivedAt, BAKU)).toBe('2026-03-31');
      expect(dueDate(receivedAt, ASTANA)).toBe('2026-05-01');
      expect(dueDate(receivedAt, BAKU)).toBe('2026-04-30');
    });

    it('moves the year for Astana only when New Year has come there and not yet in Baku', () => {
      const receivedAt = at('2026-12-31T19:30:00Z');
      expect(dueDate(receivedAt, ASTANA)).toBe('2027-01-31');
      expect(dueDate(receivedAt, BAKU)).toBe('2027-01-30');
    });

    it('refuses a time zone name no IANA database knows, rather than counting in UTC', () => {
      const sut = () => dueDate(at('2026-03-10T06:00:00Z'), 'Asia/Astana-City');
      expect(sut).toThrow(MxgError);
      expect(sut).toThrow(/UNKNOWN_TIME_ZONE: time zone "Asia\/Astana-City"/);
    });
  });

  describe(localDate.name, () => {
    // The platform's own answer (en-CA writes YYYY-MM-DD), formatted anew for every instant.
    const reference = (instant: Date, timeZone: string) =>
      instant.toLocaleDateString('en-CA', { timeZone });

    // #16: the date is remembered per quarter hour of UTC; it must never differ from formatting.
    it.each([
      ['Astana, around its midnight', ASTANA, '2026-03-31T18:40:00Z'],
      ['Baku, around its midnight', BAKU, '2026-03-31T19:40:00Z'],
      ['Kathmandu (+05:45), around its midnight', 'Asia/Kathmandu', '2026-03-31T17:55:00Z'],
      ['Berlin, the night summer time begins', 'Europe/Berlin', '2026-03-28T22:40:00Z'],
      ['Almaty in 1900, local mean time (+05:07:48)', ASTANA, '1899-12-31T18:30:00Z'],
    ])('is the formatted date minute by minute: %s', (_case, timeZone, from) => {
      const start = at(from).getTime();
      for (let minute = 0; minute < 90; minute += 1) {
        const instant = new Date(start + minute * 60_000 + 59_999);
        expect(localDate(instant, timeZone)).toBe(reference(instant, timeZone));
        const early = new Date(start + minute * 60_000);
        expect(localDate(early, timeZone)).toBe(reference(early, timeZone));
      }
    });
  });

  describe(isOverdue.name, () => {
    it('is in time for the whole due day and overdue exactly at the next local midnight (Astana, +05)', () => {
      expect(isOverdue('2026-05-01', at('2026-05-01T18:59:59.999Z'), ASTANA)).toBe(false);
      expect(isOverdue('2026-05-01', at('2026-05-01T19:00:00.000Z'), ASTANA)).toBe(true);
    });

    it('reaches midnight an hour later in Baku (+04)', () => {
      expect(isOverdue('2026-05-01', at('2026-05-01T19:00:00.000Z'), BAKU)).toBe(false);
      expect(isOverdue('2026-05-01', at('2026-05-01T19:59:59.999Z'), BAKU)).toBe(false);
      expect(isOverdue('2026-05-01', at('2026-05-01T20:00:00.000Z'), BAKU)).toBe(true);
    });

    it('is not overdue on the day of receipt', () => {
      const receivedAt = at('2026-03-31T19:30:00Z');
      expect(isOverdue(dueDate(receivedAt, ASTANA), receivedAt, ASTANA)).toBe(false);
    });
  });

  describe(daysLeft.name, () => {
    it('counts 30 on the day of receipt, 0 on the due day and negative after it', () => {
      expect(daysLeft('2026-05-01', at('2026-04-01T05:00:00Z'), ASTANA)).toBe(30);
      expect(daysLeft('2026-05-01', at('2026-05-01T12:00:00Z'), ASTANA)).toBe(0);
      expect(daysLeft('2026-05-01', at('2026-05-01T19:00:00Z'), ASTANA)).toBe(-1);
      expect(daysLeft('2026-05-01', at('2026-05-11T12:00:00Z'), ASTANA)).toBe(-10);
    });

    it("reads the day on the authority's clock: the same instant leaves Baku a day more", () => {
      const now = at('2026-04-20T19:30:00Z');
      expect(daysLeft('2026-05-01', now, ASTANA)).toBe(10);
      expect(daysLeft('2026-05-01', now, BAKU)).toBe(11);
    });

    it('counts across the leap day', () => {
      expect(daysLeft('2028-03-01', at('2028-02-28T06:00:00Z'), BAKU)).toBe(2);
      expect(daysLeft('2027-03-01', at('2027-02-28T06:00:00Z'), BAKU)).toBe(1);
    });
  });

  describe(nearlyDue.name, () => {
    it.each([
      ['four days left', '2026-04-27T06:00:00Z', false],
      ['three days left', '2026-04-28T06:00:00Z', true],
      ['the due day', '2026-05-01T06:00:00Z', true],
      ['overdue (then it is overdue, not nearly due)', '2026-05-02T06:00:00Z', false],
    ])('within 3 days: %s', (_case, now, expected) => {
      expect(nearlyDue('2026-05-01', at(now), ASTANA, 3)).toBe(expected);
    });
  });
});
