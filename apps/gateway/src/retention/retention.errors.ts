import { MxgError } from '@mxg/core';

/** Refusals of legal holds and early destruction (MIG-11.5). */
export type RetentionErrorCode =
  /** A legal hold suspends its destruction: lift the hold first. */
  | 'MESSAGE_HELD'
  /** Its content is destroyed already: nothing to destroy or hold. */
  | 'MESSAGE_ALREADY_DESTROYED'
  /** The exchange still needs its content (e.g. an outgoing message awaiting its receipt). */
  | 'MESSAGE_NOT_SETTLED'
  /** A destruction notice is kept as the proof of a destruction; it is not destroyed. */
  | 'MESSAGE_KEPT'
  /** There is no hold to lift. */
  | 'MESSAGE_NOT_HELD';

export const RETENTION_ERROR_STATUS: Readonly<Record<RetentionErrorCode, number>> = {
  MESSAGE_HELD: 409,
  MESSAGE_ALREADY_DESTROYED: 409,
  MESSAGE_NOT_SETTLED: 409,
  MESSAGE_KEPT: 409,
  MESSAGE_NOT_HELD: 409,
};

export class RetentionError extends MxgError {
  constructor(
    override readonly code: RetentionErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
