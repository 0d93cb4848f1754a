import { MxgError } from '@mxg/core';

/** Refusals of the national-system API that are not about signatures or the treaty. */
export type ExchangeErrorCode =
  | 'VALIDATION_FAILED'
  | 'MESSAGE_NOT_FOUND'
  | 'ANSWERED_MESSAGE_NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'NOT_YOUR_AUTHORITY'
  | 'RECIPIENT_UNKNOWN';

export class ExchangeError extends MxgError {
  constructor(
    override readonly code: ExchangeErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}

/** One validation failure, naming the field, the rule and the treaty article it comes from. */
export interface FieldProblem {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
  readonly treaty?: string;
}

export function validationFailed(problems: readonly FieldProblem[]): ExchangeError {
  return new ExchangeError(
    'VALIDATION_FAILED',
    problems.map((p) => `${p.field}: ${p.message}${p.treaty ? ` (${p.treaty})` : ''}`).join('; '),
    { errors: problems },
  );
}
