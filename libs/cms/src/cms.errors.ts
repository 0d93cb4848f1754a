import { MxgError } from '@mxg/core';

/** Stable codes; callers switch on them, so they never change once published. */
export type CmsErrorCode =
  /** Not DER/BER, not the expected ContentInfo type, or violates RFC 5652 / the MXG profile. */
  | 'MALFORMED_CMS'
  /** An algorithm or parameter set this library does not verify, decrypt or produce. */
  | 'UNSUPPORTED_ALGORITHM'
  /** A certificate supplied by the caller could not be parsed. */
  | 'MALFORMED_CERTIFICATE'
  /** A CRL supplied by the caller could not be parsed. */
  | 'MALFORMED_CRL'
  /** Message digest or signature does not match. */
  | 'SIGNATURE_INVALID'
  /** No certificate carried in (or passed with) the SignedData matches a SignerInfo's sid. */
  | 'SIGNER_CERTIFICATE_MISSING'
  /** The private key handed to signCms does not belong to the signer certificate. */
  | 'SIGNER_KEY_MISMATCH'
  /** No KeyTransRecipientInfo is addressed to the recipient certificate. */
  | 'NOT_FOR_THIS_RECIPIENT'
  /** Key unwrap or content decryption failed; deliberately says nothing more. */
  | 'DECRYPTION_FAILED';

export class CmsError extends MxgError {
  constructor(code: CmsErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** One message for every decryption failure, so callers cannot become a padding/key oracle. */
export function decryptionFailed(): CmsError {
  return new CmsError('DECRYPTION_FAILED', 'The message could not be decrypted');
}
