import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BrokerModule } from '../broker/broker.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule, BrokerModule],
  controllers: [HealthController],
})
export class HealthModule {}
