import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsUUID,
  Matches,
  validate,
  type ValidationError,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MESSAGE_TYPES, type MessageType } from '@mxg/config';
import { parseStrictJson } from '@mxg/core';
import { type FieldProblem, validationFailed } from '../../exchange.errors';

export class RecipientDto {
  @ApiProperty({
    example: 'AZ-DMX',
    description: 'competent authority of the receiving party (MIG-2)',
  })
  @Matches(/^[A-Z]{2}-[A-Z0-9]{2,12}$/, {
    message: 'must be an authority code such as AZ-DMX (MIG-2)',
  })
  authority!: string;
}

/** A message as a national system submits it in JSON; the gateway signs it for the signatory. */
export class SubmitMessageDto {
  @ApiProperty({ example: 'MIG' })
  @Matches(/^[A-Z]{2,10}$/, { message: 'must be an agreement code such as MIG' })
  agreement!: string;

  @ApiProperty({ enum: MESSAGE_TYPES, example: 'request' })
  @IsIn(MESSAGE_TYPES, { message: `must be one of ${MESSAGE_TYPES.join(', ')}` })
  type!: MessageType;

  @ApiProperty({ type: RecipientDto })
  @ValidateNested()
  @Type(() => RecipientDto)
  to!: RecipientDto;

  @ApiProperty({
    example: 'kz-mvd-deputy-minister',
    description: 'the authorised signatory who signs it (MIG-9.3)',
  })
  @Matches(/^[a-z0-9][a-z0-9-]{2,63}$/, {
    message: 'must be a signatory id from signatories.yaml (MIG-9.3)',
  })
  signatory!: string;

  // The OpenAPI document replaces this with one schema per type (schemas/openapi-body-schemas.ts);
  // the body itself is checked by @mxg/messages in the use case.
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the body, as its type requires: GET /schemas/{type}',
  })
  @IsObject({ message: 'must be a JSON object' })
  body!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'for an answer: the id of the message it answers (MIG-8)' })
  @IsOptional()
  @IsUUID('all', { message: 'must be the UUID of a received message' })
  inReplyTo?: string;
}

/** A JSON submission, read strictly and validated. */
export interface JsonSubmission {
  readonly request: SubmitMessageDto;
  /**
   * The body exactly as the client's bytes spell it (`parseStrictJson`): what the signatory's
   * signature covers — never the validator's copy of it.
   */
  readonly body: Record<string, unknown>;
  /** `sha256:` of the request's canonical JSON: a retry matches however it is spelt. */
  readonly digest: string;
}

/**
 * Reads a JSON submission: strictly (MALFORMED_JSON, JSON_NOT_REPRESENTABLE — see
 * `parseStrictJson`), then against SubmitMessageDto, where a field the API does not define is
 * refused rather than dropped (VALIDATION_FAILED naming each field).
 */
export async function readJsonSubmission(bytes: Uint8Array): Promise<JsonSubmission> {
  return readJsonSubmissionValue(parseStrictJson(bytes));
}

/**
 * A submission already read strictly (`parseStrictJson`, e.g. one item of a batch), held to
 * SubmitMessageDto as `readJsonSubmission` holds the bytes of one.
 */
export async function readJsonSubmissionValue(value: unknown): Promise<JsonSubmission> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationFailed([
      { field: 'body', rule: 'object', message: 'the request body must be a JSON object' },
    ]);
  }
  const request = plainToInstance(SubmitMessageDto, value);
  const errors = await validate(request, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw validationFailed(flatten(errors));
  return {
    request,
    body: (value as { body: Record<string, unknown> }).body,
    digest: canonicalDigest(value),
  };
}

/** `sha256:` of a JSON value's RFC 8785 canonical form: the same however it was spelt. */
export function canonicalDigest(value: unknown): string {
  return `sha256:${createHash('sha256')
    .update(canonicalize(value) ?? 'null')
    .digest('hex')}`;
}

function flatten(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = `${prefix}${e.property}`;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule,
      message: message.replace(new RegExp(`^${e.property} `), ''),
    }));
    return [...own, ...flatten(e.children ?? [], `${field}.`)];
  });
}
