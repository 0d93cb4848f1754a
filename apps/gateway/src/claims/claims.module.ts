import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { ExchangeModule } from '../exchange/exchange.module';
import { ClaimDeadlines } from './claim-deadlines';
import { ClaimOverdueSweeper } from './claim-overdue-sweeper.service';
import { ClaimsController } from './claims.controller';
import { RecordClaimOverdue } from './use-cases/record-claim-overdue/record-claim-overdue.use-case';

/**
 * RET reimbursement claims as national systems, finance staff and auditors follow them
 * (RET-3.1, RET-3.2, RET-4): the claims API and the sweep that audits a payment deadline passing
 * unpaid. The exchange checks, registers and moves claims as their messages are stored
 * (ClaimTracker, provided there beside ConsentTracker); this module reads them.
 */
@Module({
  imports: [AuthModule, AuditModule, ExchangeModule],
  controllers: [ClaimsController],
  providers: [ClaimDeadlines, RecordClaimOverdue, ClaimOverdueSweeper],
})
export class ClaimsModule {}
