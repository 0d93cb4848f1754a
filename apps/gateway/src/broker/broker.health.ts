import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { BrokerConnection } from './broker-connection.service';

@Injectable()
export class BrokerHealthIndicator {
  constructor(
    private readonly broker: BrokerConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'broker') {
    const indicator = this.health.check(key);
    try {
      await this.broker.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
