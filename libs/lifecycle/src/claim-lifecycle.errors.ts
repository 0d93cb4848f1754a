import { MxgError } from '@mxg/core';

/**
 * Why a message cannot take part in a RET claim's life (RET-3.1, RET-4). Stable: national
 * systems and the peer gateway act on them, and end-to-end tests assert them.
 */
export const CLAIM_REFUSAL_CODES = [
  /** A query, dispute, reply or payment naming no claim this gateway holds between these authorities. */
  'CLAIM_NOT_FOUND',
  /** An answer to a message that is no reimbursement-claim (a request, a consent …). */
  'NOT_A_CLAIM',
  /** A reimbursement-claim starts its own exchange; it answers no earlier message. */
  'CLAIM_NOT_AN_ANSWER',
  /** An answer under another agreement than its claim's. */
  'CLAIM_AGREEMENT_MISMATCH',
  /**
   * A type the other side sends: a query, dispute or payment from the state of stay, a reply
   * from the state of residence (RET-3.1, RET-4).
   */
  'CLAIM_WRONG_SIDE',
  /** The claim is paid: nothing more may be sent about it (RET-4). */
  'CLAIM_CLOSED',
  /** A reply nobody asked for: no query or dispute is open. */
  'CLAIM_NOT_AWAITED',
  /** A second claim with the same claimNumber from the same state of stay. */
  'CLAIM_NUMBER_TAKEN',
  /** A payment-confirmation naming another claim number than the claim it answers (RET-4). */
  'CLAIM_NUMBER_MISMATCH',
] as const;

export type ClaimRefusalCode = (typeof CLAIM_REFUSAL_CODES)[number];

/** A refused claim move, as data: the caller decides whether to throw, answer or audit it. */
export interface ClaimRefusal {
  readonly ok: false;
  readonly code: ClaimRefusalCode;
  /** Names the claim's state, the message type, the side and the article; never content. */
  readonly message: string;
  readonly treaty: string;
}

export class ClaimLifecycleError extends MxgError {
  constructor(
    override readonly code: ClaimRefusalCode,
    message: string,
    readonly treaty: string,
  ) {
    super(code, message, { treaty });
  }

  static from(refusal: ClaimRefusal): ClaimLifecycleError {
    return new ClaimLifecycleError(refusal.code, refusal.message, refusal.treaty);
  }
}
