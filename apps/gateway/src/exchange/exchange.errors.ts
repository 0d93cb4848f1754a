import { MxgError } from '@mxg/core';
import type { AtRestErrorCode, EnvelopeErrorCode } from '@mxg/envelope';

/** Refusals of the national-system API that are not about signatures or the treaty. */
export type ExchangeErrorCode =
  | 'VALIDATION_FAILED'
  | 'MESSAGE_NOT_FOUND'
  | 'ANSWERED_MESSAGE_NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'NOT_YOUR_AUTHORITY'
  | 'RECIPIENT_UNKNOWN'
  | 'RECIPIENT_IS_OWN_PARTY'
  | 'MESSAGE_ID_REUSED'
  | 'MESSAGE_ID_UNAVAILABLE'
  | 'ENVELOPE_TOO_LARGE'
  // MIG-11.5: its content was destroyed (key and ciphertext erased).
  | 'MESSAGE_DESTROYED'
  // MIG-11.5: a type only the gateway itself sends (a destruction notice).
  | 'MESSAGE_TYPE_RESERVED'
  // POST /messages/batch: more items than one batch may hold; an item repeating an earlier
  // item's Idempotency-Key.
  | 'BATCH_TOO_LARGE'
  | 'BATCH_ITEM_DUPLICATE';

export const EXCHANGE_ERROR_STATUS: Readonly<Record<ExchangeErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  MESSAGE_NOT_FOUND: 404,
  ANSWERED_MESSAGE_NOT_FOUND: 422,
  IDEMPOTENCY_KEY_REUSED: 409,
  NOT_YOUR_AUTHORITY: 403,
  RECIPIENT_UNKNOWN: 422,
  RECIPIENT_IS_OWN_PARTY: 422,
  MESSAGE_ID_REUSED: 409,
  MESSAGE_ID_UNAVAILABLE: 409,
  ENVELOPE_TOO_LARGE: 413,
  MESSAGE_DESTROYED: 410,
  MESSAGE_TYPE_RESERVED: 422,
  BATCH_TOO_LARGE: 413,
  BATCH_ITEM_DUPLICATE: 409,
};

/**
 * Stored content that cannot be read (MIG-11.4) is the gateway's fault, never the client's: its
 * key-encryption key is missing (503, as for its other keys) or the database holds what does not
 * verify — altered, moved, or under a KEK this gateway does not hold (500, with its own code).
 */
export const AT_REST_ERROR_STATUS: Readonly<Record<AtRestErrorCode, number>> = {
  KEK_NOT_AVAILABLE: 503,
  KEK_UNKNOWN: 500,
  DATA_KEY_UNWRAP_FAILED: 500,
  CONTENT_FORMAT_UNSUPPORTED: 500,
  CONTENT_AUTHENTICATION_FAILED: 500,
};

/**
 * How the API answers an envelope refusal: a pre-signed submission is checked as a receiver
 * would check it, so every code can reach a national system. "Could not check" is 503.
 */
export const ENVELOPE_ERROR_STATUS: Readonly<Record<EnvelopeErrorCode, number>> = {
  MALFORMED_ENVELOPE: 400,
  MALFORMED_MESSAGE: 400,
  SIGNATURE_INVALID: 422,
  CERT_UNTRUSTED: 422,
  CERT_EXPIRED: 422,
  CERT_REVOKED: 422,
  CERT_USAGE_INVALID: 422,
  REVOCATION_STATUS_UNKNOWN: 503,
  SEAL_NOT_RECOGNISED: 422,
  SIGNATORY_NOT_AUTHORISED: 403,
  ALGORITHM_NOT_ALLOWED: 422,
  SIGNING_TIME_OUT_OF_RANGE: 422,
  SIGNING_TIME_OUTSIDE_WINDOW: 422,
  ENVELOPE_TOO_OLD: 422,
  NOT_FOR_THIS_RECIPIENT: 422,
  DECRYPTION_FAILED: 422,
  HEADER_MISMATCH: 422,
  AGREEMENT_NOT_IN_FORCE: 422,
  AGREEMENT_TERMINATED: 422,
  MESSAGE_TYPE_NOT_ALLOWED: 422,
  AUTHORITY_NOT_REGISTERED: 422,
  KEY_NOT_AVAILABLE: 503,
  MESSAGE_BODY_INVALID: 422,
};

export class ExchangeError extends MxgError {
  constructor(
    override readonly code: ExchangeErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}

/** One validation failure, naming the field, the rule and the treaty article it comes from. */
export interface FieldProblem {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
  readonly treaty?: string;
}

export function validationFailed(problems: readonly FieldProblem[]): ExchangeError {
  return new ExchangeError(
    'VALIDATION_FAILED',
    problems.map((p) => `${p.field}: ${p.message}${p.treaty ? ` (${p.treaty})` : ''}`).join('; '),
    { errors: problems },
  );
}

/** MIG-11.5: the message is known, its content is not any more (crypto-shredded). */
export function contentDestroyed(id: string): ExchangeError {
  return new ExchangeError(
    'MESSAGE_DESTROYED',
    `the content of message ${id} was destroyed; its record and audit trail remain`,
  );
}
