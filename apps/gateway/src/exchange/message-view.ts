import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MESSAGE_STATUSES } from '@mxg/lifecycle';
import type { MessageRecord } from './exchange.types';

/** What the API shows of a message: routing data, status, digests — the body only on request. */
export class MessageView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['outgoing', 'incoming'] }) direction!: string;
  @ApiProperty() type!: string;
  @ApiProperty() agreement!: string;
  @ApiProperty() from!: { party: string; authority: string };
  @ApiProperty() to!: { party: string; authority: string };
  @ApiProperty() correlationId!: string;
  @ApiPropertyOptional({ nullable: true }) inReplyTo!: string | null;
  @ApiProperty({ description: 'sha256 of the signed content' }) digest!: string;
  @ApiProperty() signatory!: string;
  @ApiProperty({ enum: MESSAGE_STATUSES })
  status!: string;
  @ApiPropertyOptional({ nullable: true, description: 'why rejected or failed' }) statusCode!:
    string | null;
  @ApiProperty() statusAt!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({
    nullable: true,
    description:
      'MIG-11.5: when and why its content was destroyed here (key and ciphertext erased)',
  })
  destroyed!: { at: string; reason: string } | null;
  @ApiPropertyOptional({
    nullable: true,
    description: 'MIG-11.5, sent messages: when the recipient destroyed its copy, and its notice',
  })
  destroyedByRecipient!: { at: string; notice: string } | null;

  static of(m: MessageRecord): MessageView {
    return {
      id: m.id,
      direction: m.direction,
      type: m.type,
      agreement: m.agreement,
      from: m.from,
      to: m.to,
      correlationId: m.correlationId,
      inReplyTo: m.inReplyTo,
      digest: m.digest,
      signatory: m.signatoryId,
      status: m.status,
      statusCode: m.statusCode,
      statusAt: m.statusAt.toISOString(),
      createdAt: m.createdAt.toISOString(),
      attempts: m.attempts,
      destroyed:
        m.destroyedAt === null
          ? null
          : { at: m.destroyedAt.toISOString(), reason: m.destroyedReason ?? '' },
      destroyedByRecipient:
        m.recipientDestroyedAt === null
          ? null
          : {
              at: m.recipientDestroyedAt.toISOString(),
              notice: m.recipientDestructionNotice ?? '',
            },
    };
  }
}
