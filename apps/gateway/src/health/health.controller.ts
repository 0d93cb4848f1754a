import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
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
    summary:
      'Database and broker connectivity of this gateway (503 SERVICE_UNAVAILABLE with Retry-After when either is down)',
  })
  async check() {
    const { id: gateway, party } = this.config.gateway;
    try {
      const result = await this.health.check([
        () => this.database.pingCheck('database', { timeout: 3000 }),
        () => this.broker.isHealthy('broker'),
      ]);
      return { ...result, gateway, party };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      // The API's error shape around terminus' report, which monitoring reads as it is.
      const report = error.getResponse() as HealthCheckResult;
      const down = Object.keys(report.error ?? {});
      throw new ServiceUnavailableException({
        code: 'SERVICE_UNAVAILABLE',
        message: `${down.join(' and ') || 'a dependency'} unavailable`,
        ...report,
        gateway,
        party,
      });
    }
  }
}
