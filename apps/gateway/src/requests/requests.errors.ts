import { MxgError } from '@mxg/core';
import type { RequestRefusalCode } from '@mxg/lifecycle';

/** Refusals of the requests API itself. */
export type RequestsApiErrorCode = 'REQUEST_UNKNOWN';

export const REQUESTS_API_ERROR_STATUS: Readonly<Record<RequestsApiErrorCode, number>> = {
  REQUEST_UNKNOWN: 404,
};

/**
 * A message that does not fit its request's life (MIG-8..MIG-11, MIG-17): the national system
 * sent what the treaty does not allow now — 422, the code says which rule.
 */
export const REQUEST_REFUSAL_STATUS: Readonly<Record<RequestRefusalCode, number>> = {
  REQUEST_NOT_FOUND: 422,
  NOT_A_REQUEST: 422,
  NOT_AN_ANSWER: 422,
  AGREEMENT_MISMATCH: 422,
  WRONG_SIDE: 422,
  REQUEST_CLOSED: 409,
  NOT_AWAITED: 409,
  AWAITING_REQUESTER: 409,
  REFUSAL_EXTENT_MISSING: 422,
  AGREEMENT_TERMINATED: 422,
};

export class RequestsApiError extends MxgError {
  constructor(
    override readonly code: RequestsApiErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
