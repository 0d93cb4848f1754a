import { addDays, addMonths, withinDays } from './calendar';

describe(addMonths.name, () => {
  it.each([
    ['2026-03-15', 6, '2026-09-15'],
    ['2026-08-31', 6, '2027-02-28'], // no 31 February: the month's last day
    ['2027-08-31', 6, '2028-02-29'],
    ['2026-12-31', 2, '2027-02-28'],
    ['2026-07-01', 6, '2027-01-01'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});

describe(addDays.name, () => {
  it('counts calendar days across month and year ends (MIG-10.3: 30 days)', () => {
    expect(addDays('2026-12-15', 30)).toBe('2027-01-14');
    expect(addDays('2028-02-15', 30)).toBe('2028-03-16');
  });
});

describe(withinDays.name, () => {
  it('includes the whole first and last day, in UTC', () => {
    expect(withinDays(new Date('2026-01-01T00:00:00Z'), '2026-01-01', '2026-01-31')).toBe(true);
    expect(withinDays(new Date('2026-01-31T23:59:59.999Z'), '2026-01-01', '2026-01-31')).toBe(true);
    expect(withinDays(new Date('2025-12-31T23:59:59.999Z'), '2026-01-01', '2026-01-31')).toBe(
      false,
    );
    expect(withinDays(new Date('2026-02-01T00:00:00Z'), '2026-01-01', '2026-01-31')).toBe(false);
    expect(withinDays(new Date('2099-01-01T00:00:00Z'), '2026-01-01', null)).toBe(true);
  });
});
