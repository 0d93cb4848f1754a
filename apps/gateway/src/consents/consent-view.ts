import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONSENT_SIDES, CONSENT_STATES } from '@mxg/lifecycle';
import { CONSENT_USES } from '@mxg/messages';
import type { ConsentRecord } from '../exchange/store/consent.types';

class EndView {
  @ApiProperty({ example: 'AZ' }) party!: string;
  @ApiProperty({ example: 'AZ-DMX' }) authority!: string;
}

/** What the API shows of a consent: ids, codes and dates — the texts stay in its messages. */
export class ConsentView {
  @ApiProperty({ description: 'the consent-request’s message id' }) id!: string;
  @ApiProperty({ example: 'MIG' }) agreement!: string;
  @ApiProperty({ enum: CONSENT_SIDES, description: "this gateway's side" }) side!: string;
  @ApiProperty({ type: EndView, description: 'the authority that asks (received the information)' })
  requester!: EndView;
  @ApiProperty({ type: EndView, description: 'the authority that provided the information' })
  provider!: EndView;
  @ApiProperty({ type: [String], description: 'the received messages the information came in' })
  messages!: string[];
  @ApiProperty({ enum: CONSENT_USES }) use!: string;
  @ApiPropertyOptional({ nullable: true, description: 'the third party’s organisation code' })
  recipientId!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'a purpose code (MIG-11.2)' })
  purpose!: string | null;
  @ApiProperty({ enum: CONSENT_STATES }) state!: string;
  @ApiProperty() stateAt!: string;
  @ApiProperty() requestedAt!: string;
  @ApiPropertyOptional({ nullable: true, description: 'where the grant’s conditions are' })
  grantMessageId!: string | null;
  @ApiPropertyOptional({ nullable: true }) denialMessageId!: string | null;
  @ApiPropertyOptional({ nullable: true }) revocationMessageId!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    description: 'the grant’s last day, inclusive, at the provider authority',
  })
  validUntil!: string | null;

  static of(c: ConsentRecord): ConsentView {
    return {
      id: c.id,
      agreement: c.agreement,
      side: c.side,
      requester: c.requester,
      provider: c.provider,
      messages: [...c.messages],
      use: c.use,
      recipientId: c.recipientId,
      purpose: c.purpose,
      state: c.state,
      stateAt: c.stateAt.toISOString(),
      requestedAt: c.requestedAt.toISOString(),
      grantMessageId: c.grantMessageId,
      denialMessageId: c.denialMessageId,
      revocationMessageId: c.revocationMessageId,
      validUntil: c.validUntil,
    };
  }
}
