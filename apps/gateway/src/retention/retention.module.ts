import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { EnvelopeModule } from '../envelope/envelope.module';
import { ExchangeModule } from '../exchange/exchange.module';
import { DestructionSweeper } from './destruction-sweeper.service';
import { RetentionController } from './retention.controller';
import { DestroyDue } from './use-cases/destroy-due/destroy-due.use-case';
import { DestroyMessage } from './use-cases/destroy-message/destroy-message.use-case';
import { DestroyMessages } from './use-cases/destroy-message/destroy-messages';
import { HoldMessage } from './use-cases/hold-message/hold-message.use-case';
import { SendDestructionNotices } from './use-cases/send-destruction-notices/send-destruction-notices.use-case';

/**
 * Retention and destruction (MIG-11.5, docs/retention.md): the schedule that destroys what is
 * due by crypto-shredding, legal holds, early destruction by a security officer, and the signed
 * destruction notice to the providing party. The exchange stamps each message's due date when
 * it stores it and records the notices it receives; this module acts on them.
 */
@Module({
  imports: [AuthModule, AuditModule, EnvelopeModule, ExchangeModule],
  controllers: [RetentionController],
  providers: [
    SendDestructionNotices,
    DestroyMessages,
    DestroyMessage,
    DestroyDue,
    HoldMessage,
    DestructionSweeper,
  ],
})
export class RetentionModule {}
