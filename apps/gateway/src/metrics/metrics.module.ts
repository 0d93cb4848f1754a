import { Global, Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics';

/**
 * The gateway's metrics registry (#17), global so that every module counts where it audits
 * without importing anything; `/metrics` itself is MetricsEndpointModule.
 */
@Global()
@Module({
  providers: [GatewayMetrics],
  exports: [GatewayMetrics],
})
export class MetricsModule {}
