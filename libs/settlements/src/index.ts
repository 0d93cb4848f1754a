/**
 * @mxg/settlements — RET (CIS protocol on settlements for returning minors): exact money,
 * official rate tables, the claim check the gateways and `mxg claim check` share, and the
 * printable calculation (RET-3.6).
 */
export const RET_CLAIM_DAYS = 15; // RET-3.2: documents within 15 calendar days of the return
export const RET_PAYMENT_DAYS = 30; // RET-4: payment within 30 calendar days of receipt
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
