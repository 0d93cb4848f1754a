import { Logger } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MxgError } from '@mxg/core';
import { apiErrorOf, problem, type ProblemDetails } from '../api/problem-details';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { SubmittedMessageView } from './submitted-message-view';
import type { BatchItemOutcome } from './use-cases/submit-batch/submit-batch.use-case';

/** A refusal in the API's one shape, `{ code, message, errors? }`. */
export class ApiErrorView {
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'for VALIDATION_FAILED: each field, rule and treaty article',
  })
  errors?: unknown;
}

/** One item's answer: what `POST /messages` would have answered for it alone. */
export class BatchItemResultView {
  @ApiProperty({ description: 'the item’s position in `items`, from 0' }) index!: number;
  @ApiProperty({
    description: 'the status `POST /messages` would have answered: 202 accepted, or the refusal’s',
    example: 202,
  })
  status!: number;
  @ApiPropertyOptional({ description: 'the item’s idempotencyKey, when it had a valid one' })
  idempotencyKey?: string;
  @ApiPropertyOptional({
    description: 'accepted: true when an earlier submit with the same key answered (a replay)',
  })
  replayed?: boolean;
  @ApiPropertyOptional({ type: SubmittedMessageView, description: 'accepted: the message' })
  message?: SubmittedMessageView;
  @ApiPropertyOptional({ type: ApiErrorView, description: 'refused: why' })
  error?: ApiErrorView;
}

/** The answer of `POST /messages/batch`: one result per item, in the items' order. */
export class BatchResultView {
  @ApiProperty({ description: 'items accepted (replays included)' }) accepted!: number;
  @ApiProperty({ description: 'items refused' }) refused!: number;
  @ApiProperty({ type: [BatchItemResultView] }) items!: BatchItemResultView[];
}

const logger = new Logger('Api');

/** The batch's answer, each item's as the API's one error table gives it (`apiErrorOf`). */
export function batchResultView(outcomes: readonly BatchItemOutcome[]): BatchResultView {
  const items = outcomes.map((o): BatchItemResultView => {
    const key = o.idempotencyKey === undefined ? {} : { idempotencyKey: o.idempotencyKey };
    if (o.ok) {
      return {
        index: o.index,
        status: 202,
        ...key,
        replayed: o.result.replayed,
        message: SubmittedMessageView.ofResult(o.result),
      };
    }
    const { status, body } = refusal(o.error);
    return { index: o.index, status, ...key, error: body };
  });
  const accepted = items.filter((i) => i.status === 202).length;
  return { accepted, refused: items.length - accepted, items };
}

/** As ApiExceptionFilter answers an error: a known code, a database outage, or our fault. */
function refusal(error: unknown): { status: number; body: ProblemDetails } {
  if (error instanceof MxgError) {
    const known = apiErrorOf(error);
    if (known) return known;
    logger.error(`unmapped error code ${error.code}: ${error.message}`);
  } else if (isDatabaseUnavailable(error)) {
    logger.warn(`database unavailable: ${(error as Error).message}`);
    const body = problem(
      'SERVICE_UNAVAILABLE',
      'the gateway’s database is unavailable; this item was not stored — try again later',
    );
    return { status: body.status, body };
  } else {
    logger.error(`unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
  }
  const body = problem('INTERNAL_ERROR', 'the gateway could not handle this item');
  return { status: body.status, body };
}
