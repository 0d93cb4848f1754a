import type { MxgConfigService } from '@mxg/config';
import { FixedClock } from '@mxg/core';
import type { ClaimRecord } from './claim.types';
import { ClaimDeadlines } from './claim-deadlines';

/** AZ-RET counts its days in Asia/Baku (UTC+4). */
const config = {
  treaty: {
    authorityTimeZone: (code: string) => (code === 'AZ-RET' ? 'Asia/Baku' : 'UTC'),
    allAuthorities: () => [
      { code: 'AZ-RET', timeZone: 'Asia/Baku' },
      { code: 'KZ-RET', timeZone: 'Asia/Almaty' },
      { code: 'RU-RET', timeZone: 'Europe/Moscow' },
    ],
  },
} as unknown as MxgConfigService;

const claim = (c: Partial<ClaimRecord>): ClaimRecord =>
  ({
    id: '00000000-0000-4000-8000-000000000001',
    residence: { party: 'AZ', authority: 'AZ-RET' },
    stay: { party: 'KZ', authority: 'KZ-RET' },
    state: 'submitted',
    disputed: false,
    dueOn: '2026-12-31',
    ...c,
  }) as ClaimRecord;

describe(ClaimDeadlines.name, () => {
  const at = (iso: string) => new ClaimDeadlines(config, new FixedClock(new Date(iso)));
  it('RET-4: the whole due day in the residence authority’s calendar is in time; overdue from its midnight after', () => {
    // 2026-12-31T19:59Z is 23:59 on the 31st in Baku; 20:00Z is already 1 January there.
    expect(at('2026-12-31T19:59:00Z').of(claim({}))).toEqual({ daysLeft: 0, overdue: false });
    expect(at('2026-12-31T20:00:00Z').of(claim({}))).toEqual({ daysLeft: -1, overdue: true });
  });

  it('RET-4: paid or not yet receipted claims have no deadline running', () => {
    const sut = at('2027-03-01T00:00:00Z');
    expect(sut.of(claim({ state: 'paid', disputed: true }))).toEqual({
      daysLeft: null,
      overdue: false,
    });
    expect(sut.of(claim({ dueOn: null }))).toEqual({ daysLeft: null, overdue: false });
    expect(sut.of(claim({ state: 'disputed', disputed: true })).overdue).toBe(true);
  });

  it('RET-4: the listing compares due dates with each authority’s own date today', () => {
    // 20:30Z on 31 December: already 1 January in Almaty (+5) and Baku (+4), not in Moscow (+3).
    expect(at('2026-12-31T20:30:00Z').todayByAuthority()).toEqual({
      'AZ-RET': '2027-01-01',
      'KZ-RET': '2027-01-01',
      'RU-RET': '2026-12-31',
    });
  });
});
