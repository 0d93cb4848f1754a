import { MxgError } from '@mxg/core';

/** Refusals of an official exchange rate table (RET-3.7). */
export type RatesErrorCode =
  /** The CSV is not a valid rate table: every problem is listed with its line (`errors`). */
  | 'RATES_INVALID'
  /** The table's source is no participating party's national bank (config/parties.yaml). */
  | 'RATES_SOURCE_UNKNOWN';

export const RATES_ERROR_STATUS: Readonly<Record<RatesErrorCode, number>> = {
  RATES_INVALID: 422,
  RATES_SOURCE_UNKNOWN: 422,
};

export class RatesError extends MxgError {
  constructor(
    override readonly code: RatesErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, details);
  }
}
