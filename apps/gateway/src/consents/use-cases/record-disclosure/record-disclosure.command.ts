import { plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsUUID,
  Matches,
  validate,
  type ValidationError,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { parseStrictJson } from '@mxg/core';
import { CONSENT_USES, type ConsentUse } from '@mxg/messages';
import { type FieldProblem, validationFailed } from '../../../exchange/exchange.errors';

/**
 * A national system records an onward transfer (MIG-11.3) or a use for a new purpose (MIG-11.2)
 * before making it.
 */
export class RecordDisclosureDto {
  @ApiProperty({
    type: [String],
    description: 'the received messages whose information is disclosed or used (1–100)',
  })
  @IsArray({ message: 'must be a list of message ids' })
  @ArrayMinSize(1, { message: 'must name at least one message' })
  @ArrayMaxSize(100, { message: 'must name at most 100 messages' })
  @ArrayUnique({ message: 'must name each message once' })
  @IsUUID('all', { each: true, message: 'must be ids (UUIDs) of received messages' })
  messages!: string[];

  @ApiProperty({ enum: CONSENT_USES })
  @IsIn(CONSENT_USES, { message: `must be one of ${CONSENT_USES.join(', ')}` })
  use!: ConsentUse;

  @ApiPropertyOptional({
    example: 'AZ-GP',
    description: 'the third party’s organisation code (required for onward-transfer)',
  })
  @IsOptional()
  @Matches(/^[A-Z]{2}-[A-Z0-9]{2,12}$/, { message: 'must be an organisation code such as KZ-GP' })
  recipient?: string;

  @ApiPropertyOptional({
    example: 'judicial-proceedings',
    description:
      'a purpose code of config/vocabularies.yaml (required for new-purpose; for an onward transfer, the third party’s purpose if the grant names one)',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{1,63}$/, { message: 'must be a purpose code' })
  purpose?: string;
}

/** Reads a disclosure strictly: unknown fields refused, the cross-field rules of MIG-11.2/11.3. */
export async function readDisclosure(
  bytes: Uint8Array,
  purposes: readonly string[],
): Promise<RecordDisclosureDto> {
  const value = parseStrictJson(bytes);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationFailed([
      { field: 'body', rule: 'object', message: 'the request body must be a JSON object' },
    ]);
  }
  const dto = plainToInstance(RecordDisclosureDto, value);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap(flatten);
  if (errors.length === 0) {
    if (dto.use === 'onward-transfer' && dto.recipient === undefined) {
      problems.push({
        field: 'recipient',
        rule: 'required',
        message: 'an onward transfer names the third party it goes to',
        treaty: 'MIG-11.3',
      });
    }
    if (dto.use === 'new-purpose' && dto.purpose === undefined) {
      problems.push({
        field: 'purpose',
        rule: 'required',
        message: 'a use for a new purpose names that purpose',
        treaty: 'MIG-11.2',
      });
    }
    if (dto.use === 'new-purpose' && dto.recipient !== undefined) {
      problems.push({
        field: 'recipient',
        rule: 'not-allowed',
        message: 'a use for a new purpose goes to no third party: record an onward-transfer',
        treaty: 'MIG-11.2',
      });
    }
    if (dto.purpose !== undefined && !purposes.includes(dto.purpose)) {
      problems.push({
        field: 'purpose',
        rule: 'code',
        message: `must be one of the purpose codes in config/vocabularies.yaml: ${purposes.join(', ')}`,
        treaty: 'MIG-11.2',
      });
    }
  }
  if (problems.length > 0) throw validationFailed(problems);
  return dto;
}

function flatten(e: ValidationError): FieldProblem[] {
  return Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
    field: e.property,
    rule,
    message: message.replace(new RegExp(`^${e.property} `), ''),
  }));
}
