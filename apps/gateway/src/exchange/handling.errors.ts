import { MxgError } from '@mxg/core';

/**
 * MIG-11.2: a `handling-restriction` restricts only messages its authority sent the addressee —
 * one that names any other message (unknown, received, sent elsewhere, or refused by its
 * receiver) is refused, by the sender's gateway and by the receiver's.
 */
export type HandlingErrorCode = 'HANDLING_TARGET_NOT_SENT';

export const HANDLING_ERROR_STATUS: Readonly<Record<HandlingErrorCode, number>> = {
  HANDLING_TARGET_NOT_SENT: 422,
};

export class HandlingError extends MxgError {
  constructor(
    override readonly code: HandlingErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
