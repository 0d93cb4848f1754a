import { MxgError } from '@mxg/core';

/** Refusals of the dead-letter API (README "Dead letters"). */
export type DeadLettersErrorCode =
  /** No dead letter with this id (or it was dropped beyond the bound). */
  | 'DEAD_LETTER_NOT_FOUND'
  /** It was replayed or discarded already: a decision is made once. */
  | 'DEAD_LETTER_DECIDED'
  /** Its bytes were never kept (refused for its size, #10.9): there is nothing to replay. */
  | 'DEAD_LETTER_PAYLOAD_NOT_KEPT';

export const DEAD_LETTERS_ERROR_STATUS: Readonly<Record<DeadLettersErrorCode, number>> = {
  DEAD_LETTER_NOT_FOUND: 404,
  DEAD_LETTER_DECIDED: 409,
  DEAD_LETTER_PAYLOAD_NOT_KEPT: 409,
};

export class DeadLettersError extends MxgError {
  constructor(
    override readonly code: DeadLettersErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
