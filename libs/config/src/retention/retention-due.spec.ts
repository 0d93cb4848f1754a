import { retainUntil, retentionRule } from './retention-due';
import type { RetentionPolicy } from './retention.types';

/** MIG-11.5: which rule keeps a message, and until when. */
describe('retention due dates', () => {
  const policy: RetentionPolicy = {
    agreements: [
      {
        agreement: 'MIG',
        defaultDays: 30,
        categories: { registration: 10, 'entry-bans': 365 },
        noticeSignatories: {},
      },
    ],
  };

  it('a message without categories takes its agreement default', () => {
    expect(retentionRule(policy, 'MIG', [])).toEqual({ rule: 'default', days: 30 });
  });

  it('one category with a period of its own takes that period, even a shorter one', () => {
    expect(retentionRule(policy, 'MIG', ['registration'])).toEqual({
      rule: 'category:registration',
      days: 10,
    });
  });

  it('several categories: the longest of their periods; a category without one counts as the default', () => {
    expect(retentionRule(policy, 'MIG', ['registration', 'entry-bans'])).toEqual({
      rule: 'category:entry-bans',
      days: 365,
    });
    expect(retentionRule(policy, 'MIG', ['registration', 'citizenship'])).toEqual({
      rule: 'default',
      days: 30,
    });
  });

  it('an agreement the policy does not cover has no rule', () => {
    expect(retentionRule(policy, 'RET', [])).toBeUndefined();
  });

  it('the due instant is the storage instant plus whole days', () => {
    expect(
      retainUntil(new Date('2026-01-31T23:30:00.000Z'), { rule: 'default', days: 30 }),
    ).toEqual(new Date('2026-03-02T23:30:00.000Z'));
  });
});
