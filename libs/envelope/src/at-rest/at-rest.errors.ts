import { MxgError } from '@mxg/core';

/**
 * Why stored content could not be sealed or opened (MIG-11.4). Stable codes: the gateway's API
 * and operators switch on them. Messages name ids and files, never content or keys.
 */
export type AtRestErrorCode =
  /** The key store has no key-encryption key (the gateway does not start without one). */
  | 'KEK_NOT_AVAILABLE'
  /** A data key wrapped by a KEK this key store does not hold (another gateway's, or a retired one). */
  | 'KEK_UNKNOWN'
  /** The wrapped data key failed the key wrap's integrity check (RFC 5649): altered or not ours. */
  | 'DATA_KEY_UNWRAP_FAILED'
  /** Stored ciphertext in a format version this code does not know. */
  | 'CONTENT_FORMAT_UNSUPPORTED'
  /**
   * AES-GCM authentication failed: the ciphertext, nonce or tag was altered, or it was moved from
   * another message or column. Never returned as content.
   */
  | 'CONTENT_AUTHENTICATION_FAILED';

export class AtRestError extends MxgError {
  constructor(
    override readonly code: AtRestErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}
