import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TrustModule } from '../trust/trust.module';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';
import { StateGauges } from './state-gauges';

/** `GET /metrics` (#17): the registry's counters, and the gauges of state sampled per scrape. */
@Module({
  imports: [AuditModule, TrustModule],
  controllers: [MetricsController],
  providers: [StateGauges, MetricsAccessGuard],
})
export class MetricsEndpointModule {}
