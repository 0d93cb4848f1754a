import type { RateTable } from '@mxg/settlements';

/**
 * RET-3.7: the official rate tables imported on this gateway (`POST /rates`), as the claim check
 * reads them — the rates module's `RateTables`, bound in ExchangeModule.
 */
export interface ClaimRateTables {
  /** The imported rows of these national banks' tables (empty: lines are not checked against one). */
  tableFor(sources: readonly string[]): Promise<RateTable>;
}

export const CLAIM_RATE_TABLES = Symbol('CLAIM_RATE_TABLES');
