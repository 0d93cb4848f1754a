import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { ExchangeModule } from '../exchange/exchange.module';
import { ConsentsController } from './consents.controller';
import { DisclosuresController } from './disclosures.controller';
import { RecordDisclosure } from './use-cases/record-disclosure/record-disclosure.use-case';

/**
 * Consent for onward sharing (MIG-11.3) and for a new purpose (MIG-11.2) as national systems and
 * auditors see it: the registry, and the disclosure a national system records before it passes
 * information on. The exchange registers and moves consents as their messages are stored
 * (ConsentTracker); this module reads them.
 */
@Module({
  imports: [AuthModule, AuditModule, ExchangeModule],
  controllers: [ConsentsController, DisclosuresController],
  providers: [RecordDisclosure],
})
export class ConsentsModule {}
