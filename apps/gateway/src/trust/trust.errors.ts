import { MxgError } from '@mxg/core';

export type TrustErrorCode = 'CRL_NOT_FOUND' | 'CRL_NOT_AVAILABLE';

export const TRUST_ERROR_STATUS: Readonly<Record<TrustErrorCode, number>> = {
  CRL_NOT_FOUND: 404,
  CRL_NOT_AVAILABLE: 503,
};

export class TrustError extends MxgError {
  constructor(
    override readonly code: TrustErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
