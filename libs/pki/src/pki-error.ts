import { MxgError } from '@mxg/core';

/** Stable codes; callers (CLI, tests) switch on them, so they never change once published. */
export type PkiErrorCode =
  | 'PKI_INVALID_PLAN'
  | 'PKI_INVALID_REQUEST'
  | 'PKI_WEAK_KEY'
  | 'PKI_UNSUPPORTED_KEY'
  | 'PKI_CERT_NOT_FOUND'
  | 'PKI_KEY_NOT_FOUND'
  | 'PKI_CA_NOT_FOUND'
  | 'PKI_UNKNOWN_ISSUER'
  | 'PKI_CANNOT_REVOKE_CA'
  | 'PKI_FILE_EXISTS'
  | 'PKI_LAYOUT_INCONSISTENT'
  | 'PKI_DB_CORRUPT';

export class PkiError extends MxgError {
  constructor(code: PkiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
