import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BrokerModule } from '../broker/broker.module';
import { TrustModule } from '../trust/trust.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule, BrokerModule, TrustModule],
  controllers: [HealthController],
})
export class HealthModule {}
