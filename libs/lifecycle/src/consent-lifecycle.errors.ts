import { MxgError } from '@mxg/core';

/**
 * Why a message cannot take part in a consent's life (MIG-11.2, MIG-11.3). Stable: national
 * systems and the peer gateway act on them, and end-to-end tests assert them.
 */
export const CONSENT_REFUSAL_CODES = [
  /** An answer that names no consent-request this gateway holds between these authorities. */
  'CONSENT_NOT_FOUND',
  /** A grant, denial or revocation naming a message that asked for no consent. */
  'NOT_A_CONSENT',
  /** A consent-request starts its own exchange; it answers no earlier message (MIG-8). */
  'CONSENT_NOT_AN_ANSWER',
  /** An answer under another agreement than its consent-request's. */
  'CONSENT_AGREEMENT_MISMATCH',
  /** A type the other side sends: a grant from the requester, a request from the provider. */
  'WRONG_SIDE',
  /** The consent was denied or revoked: nothing more may be sent about it. */
  'CONSENT_CLOSED',
  /** A move nobody awaits: a second grant, a revocation of a consent never granted. */
  'NOT_AWAITED',
  /**
   * A consent-request naming messages that did not come to its sender from its addressee, or
   * (on the provider's side) that the provider's authority never sent to the requester.
   */
  'CONSENT_SUBJECT_UNKNOWN',
  /** A grant whose `validUntil` has already passed at the provider authority. */
  'CONSENT_VALIDITY_PAST',
] as const;

export type ConsentRefusalCode = (typeof CONSENT_REFUSAL_CODES)[number];

/** A refused consent move, as data: the caller decides whether to throw, answer or audit it. */
export interface ConsentRefusal {
  readonly ok: false;
  readonly code: ConsentRefusalCode;
  /** Names the consent's state, the message type, the side and the article; never content. */
  readonly message: string;
  readonly treaty: string;
}

export class ConsentLifecycleError extends MxgError {
  constructor(
    override readonly code: ConsentRefusalCode,
    message: string,
    readonly treaty: string,
  ) {
    super(code, message, { treaty });
  }

  static from(refusal: ConsentRefusal): ConsentLifecycleError {
    return new ConsentLifecycleError(refusal.code, refusal.message, refusal.treaty);
  }
}
