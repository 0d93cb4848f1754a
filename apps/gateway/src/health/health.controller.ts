import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { MxgConfigService } from '@mxg/config';
import { BrokerHealthIndicator } from '../broker/broker.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
    private readonly config: MxgConfigService,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary: 'Database and broker connectivity of this gateway (503 when either is down)',
  })
  async check() {
    const result = await this.health.check([
      () => this.database.pingCheck('database', { timeout: 3000 }),
      () => this.broker.isHealthy('broker'),
    ]);
    return { ...result, gateway: this.config.gateway.id, party: this.config.gateway.party };
  }
}
