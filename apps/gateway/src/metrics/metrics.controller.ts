import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsAccessGuard } from './metrics-access.guard';
import { StateGauges } from './state-gauges';
import { ApiBytesAnswer } from '../api/openapi-answers';

@ApiTags('operations')
@Controller('metrics')
@UseGuards(MetricsAccessGuard)
export class MetricsController {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly state: StateGauges,
  ) {}

  @Get()
  @ApiBytesAnswer('text/plain', 'Prometheus text exposition format')
  @ApiOperation({
    summary:
      'Prometheus metrics (#17): messages by event, type, status, outcome and code; delivery and receipt latency; outbox depth and age; dead letters by code; audit sequencer lag, checkpoint age, witness failures; days until certificates and CRLs expire; overdue requests (MIG-10.3). Labels are types, codes, parties and outcomes only. Access: MXG_METRICS (open, token, off).',
  })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.state.sample();
    void reply.header('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
