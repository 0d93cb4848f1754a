import type { MxgConfigService } from '@mxg/config';
import { FixedClock } from '@mxg/core';
import type { ClaimRecord } from './claim.types';
import { CLAIM_STATUSES, ClaimDeadlines, type ClaimStatus } from './claim-deadlines';

/** AZ-RET counts its days in Asia/Baku (UTC+4). */
const config = {
  treaty: { authorityTimeZone: (code: string) => (code === 'AZ-RET' ? 'Asia/Baku' : 'UTC') },
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
  const statuses = (sut: ClaimDeadlines, c: ClaimRecord): ClaimStatus[] => {
    const deadline = sut.of(c);
    return CLAIM_STATUSES.filter((s) => sut.matches(c, s, deadline));
  };

  it('RET-4: the whole due day in the residence authority’s calendar is in time; overdue from its midnight after', () => {
    // 2026-12-31T19:59Z is 23:59 on the 31st in Baku; 20:00Z is already 1 January there.
    expect(at('2026-12-31T19:59:00Z').of(claim({}))).toEqual({ daysLeft: 0, overdue: false });
    expect(at('2026-12-31T20:00:00Z').of(claim({}))).toEqual({ daysLeft: -1, overdue: true });
  });

  it.each([
    ['submitted, due date known, in time', {}, '2026-12-20T00:00:00Z', ['open', 'due']],
    ['submitted, no receipt yet', { dueOn: null }, '2026-12-20T00:00:00Z', ['open']],
    [
      'queried, past its due date',
      { state: 'queried' },
      '2027-01-02T00:00:00Z',
      ['open', 'overdue'],
    ],
    [
      'disputed (still owed), in time',
      { state: 'disputed', disputed: true },
      '2026-12-20T00:00:00Z',
      ['open', 'due', 'disputed'],
    ],
    [
      'paid after a dispute, long after its due date',
      { state: 'paid', disputed: true },
      '2027-03-01T00:00:00Z',
      ['paid'],
    ],
  ] as const)('%s', (_name, c, now, expected) => {
    expect(statuses(at(now), claim(c as Partial<ClaimRecord>))).toEqual(expected);
  });
});
