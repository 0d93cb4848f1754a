import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CLAIM_SIDES, CLAIM_STATES } from '@mxg/lifecycle';
import type { ClaimRecord } from './claim.types';

class EndView {
  @ApiProperty({ example: 'KZ' }) party!: string;
  @ApiProperty({ example: 'KZ-RET' }) authority!: string;
}

/** The payment deadline as the residence authority counts it (RET-4). */
export interface ClaimDeadline {
  /** Whole days from the residence authority's date today to the due date; negative once overdue. */
  readonly daysLeft: number | null;
  readonly overdue: boolean;
}

/**
 * What the API shows of a claim (RET-3.1, RET-3.2, RET-4): ids, codes, dates and amounts — the
 * minor, the representatives and the invoice's bank details stay in its signed message.
 */
export class ClaimView {
  @ApiProperty({ description: 'the reimbursement-claim’s message id' }) id!: string;
  @ApiProperty({ example: 'KZ-RET-2026-0012' }) claimNumber!: string;
  @ApiProperty({ example: 'RET' }) agreement!: string;
  @ApiProperty({
    enum: CLAIM_SIDES,
    description: "this gateway's side: stay claims, residence pays",
  })
  side!: string;
  @ApiProperty({ type: EndView, description: 'the state where the minor stayed (claims)' })
  stay!: EndView;
  @ApiProperty({ type: EndView, description: 'the minor’s state of residence (pays, RET-4)' })
  residence!: EndView;
  @ApiProperty({ description: 'the return act’s number (RET-3.1)' }) returnActNumber!: string;
  @ApiProperty({ example: '2026-12-01', description: 'the return (RET-3.1)' })
  handoverDate!: string;
  @ApiProperty({ description: 'the sending authority’s date the claim was sent' }) sentOn!: string;
  @ApiProperty({ description: 'sent more than 15 calendar days after the return (RET-3.2)' })
  late!: boolean;
  @ApiProperty({ example: '940.34', description: '«Итого», USD, a decimal string (RET-2)' })
  totalUsd!: string;
  @ApiProperty() lines!: number;
  @ApiProperty({ enum: CLAIM_STATES }) state!: string;
  @ApiProperty({ description: 'a dispute was raised; it stays open until paid (RET-4)' })
  disputed!: boolean;
  @ApiProperty() stateAt!: string;
  @ApiProperty() submittedAt!: string;
  @ApiPropertyOptional({
    nullable: true,
    description: 'the documents’ receipt date at the residence authority, from its signed receipt',
  })
  receivedOn!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'receivedOn + 30 calendar days (RET-4)' })
  dueOn!: string | null;
  @ApiPropertyOptional({ nullable: true }) daysLeft!: number | null;
  @ApiProperty({ description: 'open and past its due date at the residence authority (RET-4)' })
  overdue!: boolean;
  @ApiPropertyOptional({ nullable: true }) paidOn!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'USD, a decimal string' })
  paidUsd!: string | null;
  @ApiPropertyOptional({ nullable: true }) paymentMessageId!: string | null;

  static of(c: ClaimRecord, deadline: ClaimDeadline): ClaimView {
    return {
      id: c.id,
      claimNumber: c.claimNumber,
      agreement: c.agreement,
      side: c.side,
      stay: c.stay,
      residence: c.residence,
      returnActNumber: c.returnActNumber,
      handoverDate: c.handoverDate,
      sentOn: c.sentOn,
      late: c.late,
      totalUsd: c.totalUsd,
      lines: c.lineCount,
      state: c.state,
      disputed: c.disputed,
      stateAt: c.stateAt.toISOString(),
      submittedAt: c.submittedAt.toISOString(),
      receivedOn: c.receivedOn,
      dueOn: c.dueOn,
      daysLeft: deadline.daysLeft,
      overdue: deadline.overdue,
      paidOn: c.paidOn,
      paidUsd: c.paidUsd,
      paymentMessageId: c.paymentMessageId,
    };
  }
}
