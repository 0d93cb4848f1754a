import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsUUID, Matches, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MESSAGE_TYPES, type MessageType } from '@mxg/config';

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

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { purpose: '…', justification: '…' },
  })
  @IsObject({ message: 'must be a JSON object' })
  body!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'for an answer: the id of the message it answers (MIG-8)' })
  @IsOptional()
  @IsUUID('all', { message: 'must be the UUID of a received message' })
  inReplyTo?: string;
}
