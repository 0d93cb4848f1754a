import { type JsonErrorCode, MxgError } from '@mxg/core';
import type { AtRestErrorCode, EnvelopeErrorCode } from '@mxg/envelope';
import { AUDIT_ERROR_STATUS, type AuditApiErrorCode } from '../audit/audit.errors';
import type { AuditErrorCode } from '@mxg/audit';
import type { AuthorityChangeCode } from '@mxg/config';
import { AUTH_ERROR_STATUS, type AuthErrorCode } from '../auth/auth.errors';
import {
  DEAD_LETTERS_ERROR_STATUS,
  type DeadLettersErrorCode,
} from '../dead-letters/dead-letters.errors';
import type { ClaimRefusalCode } from '@mxg/lifecycle';
import {
  CLAIM_REFUSAL_STATUS,
  CLAIMS_API_ERROR_STATUS,
  type ClaimsApiErrorCode,
} from '../claims/claims.errors';
import type { ConsentRefusalCode } from '@mxg/lifecycle';
import {
  CONSENT_REFUSAL_STATUS,
  CONSENTS_API_ERROR_STATUS,
  type ConsentsApiErrorCode,
} from '../consents/consents.errors';
import type { RequestRefusalCode } from '@mxg/lifecycle';
import {
  REQUEST_REFUSAL_STATUS,
  REQUESTS_API_ERROR_STATUS,
  type RequestsApiErrorCode,
} from '../requests/requests.errors';
import { SCHEMA_ERROR_STATUS, type SchemaErrorCode } from '../schemas/schemas.errors';
import { RETENTION_ERROR_STATUS, type RetentionErrorCode } from '../retention/retention.errors';
import {
  ENVELOPE_ERROR_STATUS,
  EXCHANGE_ERROR_STATUS,
  type ExchangeErrorCode,
} from '../exchange/exchange.errors';
import { AT_REST_ERROR_STATUS } from '../exchange/exchange.errors';
import { HANDLING_ERROR_STATUS, type HandlingErrorCode } from '../exchange/handling.errors';
import { RATES_ERROR_STATUS, type RatesErrorCode } from '../rates/rates.errors';
import { TRUST_ERROR_STATUS, type TrustErrorCode } from '../trust/trust.errors';
import { SIGNATORY_LIST_STATUS, type SignatoryListCode } from '../signatories/signatories.errors';
import { TLS_ERROR_STATUS, type TlsErrorCode } from '../tls/tls.errors';
import type { SignatureCheckErrorCode } from '@mxg/evidence';
import { SIGNATURE_CHECK_ERROR_STATUS } from '../signature-check/signature-check.errors';
import type { CursorErrorCode } from './cursor';

/** Refusals of HTTP itself, before or around any handler. */
export type HttpErrorCode =
  | 'MALFORMED_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

/** Every code the gateway's HTTP API answers with. */
export type ApiErrorCode =
  | HttpErrorCode
  | CursorErrorCode
  | JsonErrorCode
  | AuthErrorCode
  | ExchangeErrorCode
  | EnvelopeErrorCode
  | AuditErrorCode
  | AuditApiErrorCode
  | RequestRefusalCode
  | RequestsApiErrorCode
  | SchemaErrorCode
  | AuthorityChangeCode
  | AtRestErrorCode
  | RetentionErrorCode
  | ConsentRefusalCode
  | ConsentsApiErrorCode
  | ClaimRefusalCode
  | ClaimsApiErrorCode
  | HandlingErrorCode
  | RatesErrorCode
  | TrustErrorCode
  | SignatoryListCode
  | TlsErrorCode
  | DeadLettersErrorCode
  | SignatureCheckErrorCode;

/**
 * The HTTP status of every code. Typed over the union of every module's codes, so a code added
 * anywhere without a status here does not compile — it cannot silently become a 500.
 */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  MALFORMED_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
  // #17: a list's `cursor` that is not a `next` it gave out.
  CURSOR_INVALID: 400,
  MALFORMED_JSON: 400,
  JSON_NOT_REPRESENTABLE: 400,
  ...AUTH_ERROR_STATUS,
  ...EXCHANGE_ERROR_STATUS,
  ...ENVELOPE_ERROR_STATUS,
  ...AUDIT_ERROR_STATUS,
  ...REQUEST_REFUSAL_STATUS,
  ...REQUESTS_API_ERROR_STATUS,
  ...SCHEMA_ERROR_STATUS,
  ...TRUST_ERROR_STATUS,
  // #15: HTTPS only, client certificates.
  ...TLS_ERROR_STATUS,
  // MIG-2: an authority-change notice about another party's authority, or contradicting the registry.
  AUTHORITY_CHANGE_INVALID: 422,
  AUTHORITY_CHANGE_CONFLICT: 409,
  // MIG-11.4: stored content that cannot be decrypted.
  ...AT_REST_ERROR_STATUS,
  // MIG-11.5: legal holds and early destruction.
  ...RETENTION_ERROR_STATUS,
  // MIG-11.2, MIG-11.3: consent messages that do not fit their consent, and disclosures.
  ...CONSENT_REFUSAL_STATUS,
  ...CONSENTS_API_ERROR_STATUS,
  // RET-3.1, RET-4: claim messages that do not fit their claim, and the claims API.
  ...CLAIM_REFUSAL_STATUS,
  ...CLAIMS_API_ERROR_STATUS,
  // MIG-11.2: a handling-restriction naming a message its authority did not send the addressee.
  ...HANDLING_ERROR_STATUS,
  // RET-3.7: an official rate table refused.
  ...RATES_ERROR_STATUS,
  // MIG-9.3, MIG-9.4: a signatory-list-update that cannot hold.
  ...SIGNATORY_LIST_STATUS,
  // #17: dead letters an operator replays or discards.
  ...DEAD_LETTERS_ERROR_STATUS,
  // #17: a signature file that cannot be checked at all (a bad one is a 200 report).
  ...SIGNATURE_CHECK_ERROR_STATUS,
};

/** How long a client should wait before retrying a 503 (a database or broker outage). */
export const RETRY_AFTER_SECONDS = 5;

export class HttpApiError extends MxgError {
  constructor(
    override readonly code: HttpErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.prototype.hasOwnProperty.call(API_ERROR_STATUS, code);
}
