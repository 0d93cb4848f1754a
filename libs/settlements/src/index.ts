/**
 * @mxg/settlements — RET (CIS protocol on settlements for returning minors): exact money,
 * official rate tables, the claim check the gateways and `mxg claim check` share, and the
 * printable calculation (RET-3.6).
 */
export { RET_CLAIM_DAYS, RET_PAYMENT_DAYS } from '@mxg/config';
export { MAX_DIGITS, Money, money, sameAmount } from './money/money';
export { roundMoney, type RoundingPolicy } from './money/rounding';
export {
  type ConvertibleLine,
  convertLine,
  exactUsd,
  type LineRate,
  nationalAmount,
  sumUsd,
} from './money/convert-line';
export { RATE_CSV_HEADER, type RateInForce, type RateRow, RateTable } from './rates/rate-table';
export { RateCsvError, type RateCsvProblem } from './rates/rate-csv-error';
export {
  CLAIM_PROBLEM_CODES,
  CLAIM_WARNING_CODES,
  type ClaimCheck,
  type ClaimProblem,
  type ClaimProblemCode,
  type ClaimWarningCode,
} from './check/claim-problem';
export { checkClaim, type ClaimCheckContext } from './check/check-claim';
// RET-3.6: the calculation as a printable document (render/).
export type {
  CalculationClaim,
  CalculationDocument,
  CalculationLine,
  CalculationRate,
} from './render/calculation-claim';
export { calculationContext, type CalculationContext } from './render/calculation-context';
export { CALCULATION_COLUMNS, TOTAL_LABEL } from './render/calculation-table';
export { renderCalculationHtml } from './render/render-calculation-html';
export { renderCalculationPdf } from './render/render-calculation-pdf';
