import { MxgError } from '@mxg/core';

/**
 * Refusals of `BearerAuthGuard` (who is calling, and whether they may) and of the client's
 * binding to signatories (MIG-9.3: whom the gateway may sign for on its behalf).
 */
export type AuthErrorCode = 'AUTH_UNAUTHENTICATED' | 'AUTH_FORBIDDEN' | 'SIGNATORY_NOT_BOUND';

export const AUTH_ERROR_STATUS: Readonly<Record<AuthErrorCode, number>> = {
  AUTH_UNAUTHENTICATED: 401,
  AUTH_FORBIDDEN: 403,
  SIGNATORY_NOT_BOUND: 403,
};

export class AuthError extends MxgError {
  constructor(
    override readonly code: AuthErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
