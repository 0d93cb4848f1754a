import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BrokerConnection } from './broker-connection.service';
import { BrokerHealthIndicator } from './broker.health';

@Module({
  imports: [TerminusModule],
  providers: [BrokerConnection, BrokerHealthIndicator],
  exports: [BrokerConnection, BrokerHealthIndicator],
})
export class BrokerModule {}
