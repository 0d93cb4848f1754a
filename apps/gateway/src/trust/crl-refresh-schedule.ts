/** A CRL is fetched again once this share of its thisUpdate→nextUpdate span has passed. */
export const REFRESH_AT_SHARE = 0.8;
/** The first retry after a failure; each next one waits twice as long, up to the bound. */
export const FIRST_RETRY_MS = 1_000;
/** Never sooner than this after a fetch that brought nothing new (the CA has not re-issued yet). */
export const QUIET_MS = 60_000;

export interface RefreshInput {
  /** Failed fetches in a row (0 after a success). */
  readonly failures: number;
  /** The party's newest CRL, if any. */
  readonly newest?: { readonly thisUpdate: Date; readonly nextUpdate?: Date };
  readonly now: Date;
  /** MXG_CRL_REFRESH_MS: the longest wait between two fetches. */
  readonly boundMs: number;
}

/**
 * How long to wait before fetching a party's CRL again. After a failure: 1 s, doubling, never
 * more than the bound. Otherwise: until 80 % of the newest CRL's span (RFC 5280 leaves the
 * schedule to the relying party; well before nextUpdate, so a missed fetch or two still leave
 * time), at most the bound — and, once that point has passed with nothing newer to be had,
 * not sooner than a minute (or the bound, if shorter), so a CA late to re-issue is not hammered.
 */
export function nextFetchDelayMs(input: RefreshInput): number {
  const { failures, newest, now, boundMs } = input;
  if (failures > 0) return Math.min(boundMs, FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 30));
  const next = newest?.nextUpdate;
  if (!newest || !next) return boundMs;
  const from = newest.thisUpdate.getTime();
  const due = from + (next.getTime() - from) * REFRESH_AT_SHARE - now.getTime();
  return Math.min(boundMs, Math.max(due, Math.min(QUIET_MS, boundMs)));
}
