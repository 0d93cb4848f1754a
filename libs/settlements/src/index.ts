/**
 * @mxg/settlements — RET (CIS protocol on settlements for returning minors): exact money,
 * official rate tables, the claim check the gateways and `mxg claim check` share, and the
 * printable calculation (RET-3.6).
 */
export const RET_CLAIM_DAYS = 15; // RET-3.2: documents within 15 calendar days of the return
export const RET_PAYMENT_DAYS = 30; // RET-4: payment within 30 calendar days of receipt
