import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { ExchangeModule } from '../exchange/exchange.module';
import { OverdueSweeper } from './overdue-sweeper.service';
import { RequestsController } from './requests.controller';
import { RecordOverdue } from './use-cases/record-overdue/record-overdue.use-case';

/**
 * Requests as national systems follow them (MIG-8, MIG-10): the requests API and the sweep
 * that audits a deadline passing unanswered (MIG-10.3). The exchange moves requests as their
 * messages are stored; this module reads them.
 */
@Module({
  imports: [AuthModule, AuditModule, ExchangeModule],
  controllers: [RequestsController],
  providers: [RecordOverdue, OverdueSweeper],
})
export class RequestsModule {}
