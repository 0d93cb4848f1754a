import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BrokerConnection } from './broker-connection.service';
import { BrokerHealthIndicator } from './broker.health';
import { LinkMonitor } from './link-monitor.service';

@Module({
  imports: [TerminusModule],
  providers: [BrokerConnection, BrokerHealthIndicator, LinkMonitor],
  exports: [BrokerConnection, BrokerHealthIndicator, LinkMonitor],
})
export class BrokerModule {}
