import { MxgError } from '@mxg/core';

/**
 * Why a signature could not be checked at all — as opposed to a report whose verdict is
 * INVALID or could-not-check, which is the answer, not an error.
 */
export type SignatureCheckErrorCode =
  /** PEM that holds no CMS or PKCS7 block. */
  | 'INPUT_UNREADABLE'
  /** A detached signature given without the content it signs. */
  | 'DETACHED_CONTENT_MISSING'
  /** Nothing says whose PKI issued the signer: its issuer is none of the trusted CAs, or no certificate is carried. */
  | 'SIGNER_PARTY_UNKNOWN'
  /** The artefact names a party the configuration does not know. */
  | 'UNKNOWN_PARTY'
  /** The party is known, but there is no trust anchor of it to check against. */
  | 'TRUST_ANCHOR_MISSING';

export class SignatureCheckError extends MxgError {
  constructor(
    override readonly code: SignatureCheckErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}
