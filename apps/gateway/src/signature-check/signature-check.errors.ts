import type { SignatureCheckErrorCode } from '@mxg/evidence';

/**
 * `POST /v1/signatures/verify`: what could not be checked at all. A signature that is checked
 * and found bad is no error — it is a 200 report with verdict `invalid`.
 */
export const SIGNATURE_CHECK_ERROR_STATUS: Readonly<Record<SignatureCheckErrorCode, number>> = {
  // PEM without a CMS or PKCS7 block: as unreadable as bytes that are no CMS (MALFORMED_ENVELOPE).
  INPUT_UNREADABLE: 400,
  // CMS, but the request lacks what checking it needs, or names a party this gateway cannot judge.
  DETACHED_CONTENT_MISSING: 422,
  SIGNER_PARTY_UNKNOWN: 422,
  UNKNOWN_PARTY: 422,
  TRUST_ANCHOR_MISSING: 422,
};
