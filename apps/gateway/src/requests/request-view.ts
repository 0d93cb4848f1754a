import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RequestRecord } from '../exchange/store/request.types';

/** What the API shows of a request: parties, state and the MIG-10.3 deadline — no content. */
export class RequestView {
  @ApiProperty() id!: string;
  @ApiProperty() agreement!: string;
  @ApiProperty({ enum: ['requester', 'requested'], description: "this gateway's side" })
  side!: string;
  @ApiProperty() requester!: { party: string; authority: string };
  @ApiProperty() requested!: { party: string; authority: string };
  @ApiPropertyOptional({
    nullable: true,
    description: 'MIG-11.2: the purpose code every answer is bound to (config/vocabularies.yaml)',
  })
  purpose!: string | null;
  @ApiProperty({
    description:
      'MIG-11.1: a confidential request; every envelope of its exchange is sealed without the clear routing header',
  })
  confidential!: boolean;
  @ApiProperty() state!: string;
  @ApiProperty() stateAt!: string;
  @ApiProperty() openedAt!: string;
  @ApiPropertyOptional({
    nullable: true,
    description: 'MIG-10.3: the calendar date at the requested authority when it received it',
  })
  receivedOn!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    description: 'MIG-10.3: the legal deadline, receivedOn + 30 calendar days; never moved',
  })
  dueOn!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    description: 'MIG-10.2: until when the requested party postponed it (beside the deadline)',
  })
  postponedUntil!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'MIG-10.1: the last delay notice' })
  delayNoticedAt!: string | null;
  @ApiProperty({ description: 'open and past dueOn at the requested authority' })
  overdue!: boolean;
  @ApiPropertyOptional({ nullable: true }) closedAt!: string | null;

  static of(r: RequestRecord, overdue: boolean): RequestView {
    return {
      id: r.id,
      agreement: r.agreement,
      side: r.side,
      requester: r.requester,
      requested: r.requested,
      purpose: r.purpose,
      confidential: r.confidential,
      state: r.state,
      stateAt: r.stateAt.toISOString(),
      openedAt: r.openedAt.toISOString(),
      receivedOn: r.receivedOn,
      dueOn: r.dueOn,
      postponedUntil: r.postponedUntil,
      delayNoticedAt: r.delayNoticedAt?.toISOString() ?? null,
      overdue,
      closedAt: r.closedAt?.toISOString() ?? null,
    };
  }
}
