import { MxgError } from '@mxg/core';

/**
 * Refusals of a `signatory-list-update` (MIG-9.3, MIG-9.4), the same at the sending gateway
 * (submit) and the receiving one (a negative receipt).
 */
export type SignatoryListCode =
  /** Not the sender's own authority, or a certificate that does not chain to its party's CA. */
  | 'SIGNATORY_LIST_INVALID'
  /** In force from a day before it was signed: a list cannot authorise signatures made already. */
  | 'SIGNATORY_LIST_RETROACTIVE'
  /** A version not above the highest held (or the same version with another list). */
  | 'SIGNATORY_LIST_STALE';

export const SIGNATORY_LIST_STATUS: Readonly<Record<SignatoryListCode, number>> = {
  SIGNATORY_LIST_INVALID: 422,
  SIGNATORY_LIST_RETROACTIVE: 422,
  SIGNATORY_LIST_STALE: 409,
};

export class SignatoryListError extends MxgError {
  constructor(
    override readonly code: SignatoryListCode,
    message: string,
  ) {
    super(code, message);
  }
}

/** Why a list update cannot hold, with its stable code. */
export interface SignatoryListRefusal {
  readonly code: SignatoryListCode;
  readonly message: string;
}
