import { MxgError } from '@mxg/core';
import type { ConsentRefusalCode } from '@mxg/lifecycle';
import type { DisclosureRefusalCode } from './disclosure-rule';

/** Refusals of the consents and disclosures API itself. */
export type ConsentsApiErrorCode =
  /** No consent with this id is visible to the client (unknown and forbidden answer alike). */
  | 'CONSENT_UNKNOWN'
  /** A disclosure names messages that did not come to the caller's authority. */
  | 'DISCLOSURE_SUBJECT_UNKNOWN'
  | DisclosureRefusalCode;

export const CONSENTS_API_ERROR_STATUS: Readonly<Record<ConsentsApiErrorCode, number>> = {
  CONSENT_UNKNOWN: 404,
  DISCLOSURE_SUBJECT_UNKNOWN: 422,
  // MIG-11.2, MIG-11.3: the treaty forbids this disclosure now; the code says why.
  CONSENT_REQUIRED: 403,
  CONSENT_DENIED: 403,
  CONSENT_EXPIRED: 403,
  CONSENT_REVOKED: 403,
  CONSENT_MISMATCH: 403,
};

/**
 * A consent message that does not fit its consent (MIG-11.2, MIG-11.3): like the request
 * lifecycle's, a message that does not fit now is a conflict (409), one that never fits 422.
 */
export const CONSENT_REFUSAL_STATUS: Readonly<Record<ConsentRefusalCode, number>> = {
  CONSENT_NOT_FOUND: 422,
  NOT_A_CONSENT: 422,
  CONSENT_NOT_AN_ANSWER: 422,
  CONSENT_AGREEMENT_MISMATCH: 422,
  WRONG_SIDE: 422,
  CONSENT_CLOSED: 409,
  NOT_AWAITED: 409,
  CONSENT_SUBJECT_UNKNOWN: 422,
  CONSENT_VALIDITY_PAST: 422,
};

export class ConsentsApiError extends MxgError {
  constructor(
    override readonly code: ConsentsApiErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
