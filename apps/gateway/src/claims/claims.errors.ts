import { MxgError } from '@mxg/core';
import type { ClaimRefusalCode } from '@mxg/lifecycle';

/** Refusals of the claims API itself. */
export type ClaimsApiErrorCode =
  /**
   * A reimbursement-claim failing its content checks (RET-3.1 … RET-3.7): `errors` lists every
   * problem as a field problem, `rule` its code (LINE_USD_MISMATCH, TOTAL_MISMATCH, …).
   */
  | 'CLAIM_INVALID'
  /** No claim with this id is visible to the client (unknown and forbidden answer alike). */
  | 'CLAIM_UNKNOWN'
  /** The claim's signed message content is no longer held (destroyed, MIG-11.5). */
  | 'CLAIM_CONTENT_UNAVAILABLE'
  /** The calculation is rendered as application/pdf or text/html only. */
  | 'CALCULATION_FORMAT_UNSUPPORTED';

export const CLAIMS_API_ERROR_STATUS: Readonly<Record<ClaimsApiErrorCode, number>> = {
  CLAIM_INVALID: 422,
  CLAIM_UNKNOWN: 404,
  CLAIM_CONTENT_UNAVAILABLE: 410,
  CALCULATION_FORMAT_UNSUPPORTED: 406,
};

/**
 * A claim message that does not fit its claim (RET-3.1, RET-4): like the request and consent
 * lifecycles', a message that does not fit now is a conflict (409), one that never fits 422.
 */
export const CLAIM_REFUSAL_STATUS: Readonly<Record<ClaimRefusalCode, number>> = {
  CLAIM_NOT_FOUND: 422,
  NOT_A_CLAIM: 422,
  CLAIM_NOT_AN_ANSWER: 422,
  CLAIM_AGREEMENT_MISMATCH: 422,
  CLAIM_WRONG_SIDE: 422,
  CLAIM_CLOSED: 409,
  CLAIM_NOT_AWAITED: 409,
  CLAIM_NUMBER_TAKEN: 409,
  CLAIM_NUMBER_MISMATCH: 422,
};

export class ClaimsApiError extends MxgError {
  constructor(
    override readonly code: ClaimsApiErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, details);
  }
}

/** Every problem of a claim's content check, each as the API's field problem (RET-3). */
export function claimInvalid(
  problems: readonly { path: string; code: string; message: string; treaty: string }[],
): ClaimsApiError {
  const errors = problems.map((p) => ({
    field: p.path,
    rule: p.code,
    message: p.message,
    treaty: p.treaty,
  }));
  return new ClaimsApiError(
    'CLAIM_INVALID',
    errors.map((e) => `${e.field}: ${e.rule} (${e.treaty})`).join('; '),
    { errors },
  );
}
