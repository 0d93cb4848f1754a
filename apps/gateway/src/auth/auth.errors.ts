import { MxgError } from '@mxg/core';

/** Refusals of `BearerAuthGuard`: who is calling, and whether they may. */
export type AuthErrorCode = 'AUTH_UNAUTHENTICATED' | 'AUTH_FORBIDDEN';

export const AUTH_ERROR_STATUS: Readonly<Record<AuthErrorCode, number>> = {
  AUTH_UNAUTHENTICATED: 401,
  AUTH_FORBIDDEN: 403,
};

export class AuthError extends MxgError {
  constructor(
    override readonly code: AuthErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
