import { MxgError } from '@mxg/core';

/**
 * Why a message cannot take part in a request's life (MIG-8..MIG-11, MIG-17). Stable: national
 * systems and the peer gateway act on them, and end-to-end tests assert them.
 */
export const REQUEST_REFUSAL_CODES = [
  /** An answer that names no request this gateway holds (MIG-8). */
  'REQUEST_NOT_FOUND',
  /** An answer to a message that opened no request: a notice answers nothing (MIG-8). */
  'NOT_A_REQUEST',
  /** A request or a notice starts its own exchange; it cannot answer an earlier message (MIG-8). */
  'NOT_AN_ANSWER',
  /** An answer under another agreement than its request's. */
  'AGREEMENT_MISMATCH',
  /** A type the other side sends: a requester's response, a requested party's clarification. */
  'WRONG_SIDE',
  /** The request is answered, refused in full or withdrawn. */
  'REQUEST_CLOSED',
  /** A reply nobody asked for: a clarification without a clarification-request, and the like. */
  'NOT_AWAITED',
  /** The request waits on the requester (clarification, confirmation, decision) first. */
  'AWAITING_REQUESTER',
  /** A refusal that does not say whether it is partial (MIG-10.4). */
  'REFUSAL_EXTENT_MISSING',
  /** A new request or notice after termination of the agreement took effect (MIG-17). */
  'AGREEMENT_TERMINATED',
] as const;

export type RequestRefusalCode = (typeof REQUEST_REFUSAL_CODES)[number];

/** A refused transition, as data: the caller decides whether to throw, answer or audit it. */
export interface RequestRefusal {
  readonly ok: false;
  readonly code: RequestRefusalCode;
  /** Names the request's state, the message type, the side and the article. */
  readonly message: string;
  /** The treaty obligation the refusal enforces, e.g. `MIG-10.1`. */
  readonly treaty: string;
}

export class RequestLifecycleError extends MxgError {
  constructor(
    override readonly code: RequestRefusalCode,
    message: string,
    readonly treaty: string,
  ) {
    super(code, message, { treaty });
  }

  static from(refusal: RequestRefusal): RequestLifecycleError {
    return new RequestLifecycleError(refusal.code, refusal.message, refusal.treaty);
  }
}
