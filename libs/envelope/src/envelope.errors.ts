import { MxgError } from '@mxg/core';
import type { MessageHeader } from './message/message-header';

/**
 * Why an envelope or signature was refused. Codes are stable: national systems, the exchange's
 * dead-letter handling and security officers switch on them. Messages say what to check, except
 * for decryption, which says as little as possible.
 */
export type EnvelopeErrorCode =
  | 'MALFORMED_ENVELOPE'
  | 'MALFORMED_MESSAGE'
  | 'SIGNATURE_INVALID'
  | 'CERT_UNTRUSTED'
  | 'CERT_EXPIRED'
  | 'CERT_REVOKED'
  | 'CERT_USAGE_INVALID'
  | 'REVOCATION_STATUS_UNKNOWN'
  | 'SEAL_NOT_RECOGNISED'
  | 'SIGNATORY_NOT_AUTHORISED'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'SIGNING_TIME_OUT_OF_RANGE'
  | 'ENVELOPE_TOO_OLD'
  /**
   * The signatory's signing time is not within `exchange.innerSigningWindowSeconds` before the
   * sending gateway's seal (or, at submission, before now), or is after it beyond clock skew.
   */
  | 'SIGNING_TIME_OUTSIDE_WINDOW'
  | 'NOT_FOR_THIS_RECIPIENT'
  | 'DECRYPTION_FAILED'
  | 'HEADER_MISMATCH'
  | 'AGREEMENT_NOT_IN_FORCE'
  /** MIG-17: a new exchange after termination took effect (those under way still run). */
  | 'AGREEMENT_TERMINATED'
  | 'MESSAGE_TYPE_NOT_ALLOWED'
  | 'AUTHORITY_NOT_REGISTERED'
  | 'KEY_NOT_AVAILABLE'
  /** Opened and verified, but the body breaks its type's schema (@mxg/messages, MIG-6 …). */
  | 'MESSAGE_BODY_INVALID';

/** Which layer of the triple wrap a failure concerns. */
export type EnvelopeLayer = 'outer' | 'envelope' | 'inner' | 'message';

export class EnvelopeError extends MxgError {
  /**
   * The sealed header, when the refusal came after the sender's seal was verified: then the
   * sender is known for certain and can be sent a signed negative receipt.
   */
  authenticatedHeader?: MessageHeader;

  constructor(
    override readonly code: EnvelopeErrorCode,
    message: string,
    readonly layer?: EnvelopeLayer,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { ...details, ...(layer ? { layer } : {}) });
  }
}
