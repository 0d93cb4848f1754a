import { nextFetchDelayMs } from './crl-refresh-schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const thisUpdate = new Date('2030-03-01T00:00:00Z');
const nextUpdate = new Date(thisUpdate.getTime() + 30 * DAY);
const at = (ms: number) => new Date(thisUpdate.getTime() + ms);

describe(nextFetchDelayMs.name, () => {
  it('waits until 80 % of the CRL’s span, bounded by MXG_CRL_REFRESH_MS', () => {
    const newest = { thisUpdate, nextUpdate };
    expect(nextFetchDelayMs({ failures: 0, newest, now: at(DAY), boundMs: 100 * DAY })).toBe(
      23 * DAY,
    );
    expect(nextFetchDelayMs({ failures: 0, newest, now: at(DAY), boundMs: HOUR })).toBe(HOUR);
  });

  it('once past 80 % with nothing newer, tries again after a minute, not at once', () => {
    const newest = { thisUpdate, nextUpdate };
    expect(nextFetchDelayMs({ failures: 0, newest, now: at(29 * DAY), boundMs: HOUR })).toBe(
      60_000,
    );
    expect(nextFetchDelayMs({ failures: 0, newest, now: at(31 * DAY), boundMs: 500 })).toBe(500);
  });

  it('fetches at the bound when there is no CRL yet, or it has no nextUpdate', () => {
    expect(nextFetchDelayMs({ failures: 0, now: at(0), boundMs: HOUR })).toBe(HOUR);
    expect(
      nextFetchDelayMs({ failures: 0, newest: { thisUpdate }, now: at(0), boundMs: HOUR }),
    ).toBe(HOUR);
  });

  it('backs off after failures: 1 s, 2 s, 4 s … up to the bound', () => {
    const delays = [1, 2, 3, 4, 12, 40].map((failures) =>
      nextFetchDelayMs({ failures, now: at(0), boundMs: HOUR }),
    );
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 2_048_000, HOUR]);
  });
});
