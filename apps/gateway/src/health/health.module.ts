import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BrokerModule } from '../broker/broker.module';
import { AuditModule } from '../audit/audit.module';
import { TrustModule } from '../trust/trust.module';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

@Module({
  imports: [TerminusModule, BrokerModule, TrustModule, AuditModule],
  controllers: [HealthController],
  providers: [Readiness],
})
export class HealthModule {}
