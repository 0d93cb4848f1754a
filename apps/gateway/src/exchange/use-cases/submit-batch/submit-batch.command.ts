import { createHash } from 'node:crypto';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { MAX_JSON_DEPTH, type MxgError, parseStrictJson } from '@mxg/core';
import { ExchangeError, type FieldProblem, validationFailed } from '../../exchange.errors';
import { canonicalDigest, SubmitMessageDto } from '../submit-message/submit-message.command';
import type { Submission } from '../submit-message/submit-message.use-case';

/** The most items one `POST /messages/batch` may hold (BATCH_TOO_LARGE beyond). */
export const MAX_BATCH_ITEMS = 100;

/** What `Idempotency-Key` may hold on `POST /messages`, and `idempotencyKey` on a batch item. */
export const IDEMPOTENCY_KEY_FORMAT = /^[\x21-\x7e]{1,200}$/;

/**
 * A batch nests each item's message three levels deeper than `POST /messages` holds it (the
 * batch object, `items`, the item), so the strict reader allows those three on top of the
 * single call's limit: a message is held to the same depth either way.
 */
const BATCH_JSON_DEPTH = MAX_JSON_DEPTH + 3;

/** One item of a batch: exactly what `POST /messages` takes, and its Idempotency-Key. */
export class BatchItemDto {
  @ApiPropertyOptional({
    description:
      'what `POST /messages` takes as its Idempotency-Key header: 1–200 visible ASCII characters; ' +
      'unique within the batch (BATCH_ITEM_DUPLICATE), and shared with single submissions — ' +
      'the same key and message sent either way is one message',
    example: 'kz-mvd-2026-000123',
  })
  idempotencyKey?: string;

  @ApiPropertyOptional({
    allOf: [{ $ref: getSchemaPath(SubmitMessageDto) }],
    description: 'a message in JSON, as `POST /messages` takes it (signed by the gateway)',
  })
  message?: SubmitMessageDto;

  @ApiPropertyOptional({
    type: 'string',
    format: 'byte',
    description:
      'or a CMS SignedData the signatory already made (what `POST /messages` takes as ' +
      'application/pkcs7-mime), in base64',
  })
  signedData?: string;
}

/** The body of `POST /messages/batch`. */
export class SubmitBatchDto {
  @ApiProperty({
    type: [BatchItemDto],
    minItems: 1,
    maxItems: MAX_BATCH_ITEMS,
    description: 'each with `message` or `signedData`, never both',
  })
  items!: BatchItemDto[];
}

/** One item as read: ready to submit, or refused already (and to be audited as refused). */
export type BatchItem =
  | {
      readonly index: number;
      readonly idempotencyKey?: string;
      readonly submission: Submission;
    }
  | {
      readonly index: number;
      readonly idempotencyKey?: string;
      readonly refusal: MxgError;
      /** `sha256:` of what the item held: the audit entry's content digest. */
      readonly digest: string;
    };

const ITEM_MEMBERS: readonly string[] = ['idempotencyKey', 'message', 'signedData'];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads a batch: the whole body strictly, once (`parseStrictJson` — so a body that is not
 * I-JSON is refused whole, MALFORMED_JSON / JSON_NOT_REPRESENTABLE, since no item of it can be
 * told apart with certainty), then its shape: `{ items: [...] }` with 1 to MAX_BATCH_ITEMS
 * items (VALIDATION_FAILED, BATCH_TOO_LARGE). Each item is then read on its own: one that is
 * malformed, or repeats an earlier item's idempotency key, is refused alone, and the others go on.
 */
export function readBatch(bytes: Uint8Array): BatchItem[] {
  const value = parseStrictJson(bytes, BATCH_JSON_DEPTH);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationFailed([
      { field: 'body', rule: 'object', message: 'the request body must be a JSON object' },
    ]);
  }
  const unknown = Object.keys(value).filter((k) => k !== 'items');
  if (unknown.length > 0) {
    throw validationFailed(
      unknown.map((field) => ({ field, rule: 'unknown', message: 'is not a member of a batch' })),
    );
  }
  const items = (value as { items?: unknown }).items;
  if (!Array.isArray(items) || items.length === 0) {
    throw validationFailed([
      {
        field: 'items',
        rule: 'array',
        message: `must be an array of 1 to ${MAX_BATCH_ITEMS} items`,
      },
    ]);
  }
  if (items.length > MAX_BATCH_ITEMS) {
    throw new ExchangeError(
      'BATCH_TOO_LARGE',
      `the batch holds ${items.length} items; at most ${MAX_BATCH_ITEMS} go in one batch: send the rest in another`,
    );
  }
  const firstWithKey = new Map<string, number>();
  return items.map((item: unknown, index): BatchItem => {
    const read = readItem(item, index);
    const key = read.idempotencyKey;
    if (key === undefined || 'refusal' in read) return read;
    const first = firstWithKey.get(key);
    if (first === undefined) {
      firstWithKey.set(key, index);
      return read;
    }
    return {
      index,
      idempotencyKey: key,
      refusal: new ExchangeError(
        'BATCH_ITEM_DUPLICATE',
        `item ${index} has the idempotencyKey of item ${first}: each item of a batch needs its own`,
      ),
      digest: submissionDigest(read.submission),
    };
  });
}

function readItem(item: unknown, index: number): BatchItem {
  const refuse = (problems: FieldProblem[], idempotencyKey?: string): BatchItem => ({
    index,
    idempotencyKey,
    refusal: validationFailed(problems),
    digest: canonicalDigest(item),
  });
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return refuse([{ field: 'item', rule: 'object', message: 'a batch item must be an object' }]);
  }
  const problems: FieldProblem[] = Object.keys(item)
    .filter((k) => !ITEM_MEMBERS.includes(k))
    .map((field) => ({ field, rule: 'unknown', message: 'is not a member of a batch item' }));
  const { idempotencyKey, message, signedData } = item as Record<string, unknown>;
  const key =
    typeof idempotencyKey === 'string' && IDEMPOTENCY_KEY_FORMAT.test(idempotencyKey)
      ? idempotencyKey
      : undefined;
  if (idempotencyKey !== undefined && key === undefined) {
    problems.push({
      field: 'idempotencyKey',
      rule: 'format',
      message: 'must be 1–200 visible ASCII characters',
    });
  }
  if ((message === undefined) === (signedData === undefined)) {
    problems.push({
      field: message === undefined ? 'message' : 'signedData',
      rule: message === undefined ? 'required' : 'exclusive',
      message:
        'an item carries either `message` (JSON) or `signedData` (a CMS SignedData in base64)',
    });
  }
  if (
    signedData !== undefined &&
    (typeof signedData !== 'string' || signedData === '' || !BASE64.test(signedData))
  ) {
    problems.push({
      field: 'signedData',
      rule: 'base64',
      message: 'must be a DER-encoded CMS SignedData in base64 (RFC 4648 §4, padded)',
    });
  }
  if (problems.length > 0) return refuse(problems, key);
  return {
    index,
    idempotencyKey: key,
    submission:
      typeof signedData === 'string'
        ? { kind: 'signed', signedData: Buffer.from(signedData, 'base64') }
        : { kind: 'json-value', value: message },
  };
}

/** The digest `SubmitMessage` gives a submission before it is read further. */
function submissionDigest(submission: Submission): string {
  switch (submission.kind) {
    case 'json-value':
      return canonicalDigest(submission.value);
    case 'json':
      return sha256(submission.bytes);
    case 'signed':
      return sha256(submission.signedData);
  }
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
