import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { MxgConfigService } from '@mxg/config';
import { BrokerHealthIndicator } from '../broker/broker.health';
import { LinkMonitor } from '../broker/link-monitor.service';
import { TrustListHealth } from '../trust/trust-list.health';
import { Readiness } from './readiness';
import { ApiAnswer, object, str } from '../api/openapi-answers';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
    private readonly config: MxgConfigService,
    private readonly trustList: TrustListHealth,
    private readonly links: LinkMonitor,
    private readonly readiness: Readiness,
  ) {}

  @Get('live')
  @ApiOperation({
    summary:
      'Liveness (#17): the process answers. Depends on nothing else, so an orchestrator restarts the gateway only when it is stuck, never because the database or broker is down',
  })
  @ApiAnswer(object({ status: str(undefined, { enum: ['ok'] }) }))
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness (#17): 200 when the database answers with every migration applied, the broker connection works, the audit sequencer runs (leading or following) and every party has a CRL not past its nextUpdate; otherwise 503 SERVICE_UNAVAILABLE with Retry-After, `reasons[]` and each check',
  })
  @ApiAnswer(
    object({
      status: str(undefined, { enum: ['ready'] }),
      checks: { type: 'object', description: 'each check by name: ok, and why not' },
      gateway: str(),
      party: str(),
    }),
  )
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const { ready, reasons, checks } = await this.readiness.check();
    const { id: gateway, party } = this.config.gateway;
    if (!ready) {
      throw new ServiceUnavailableException({
        code: 'SERVICE_UNAVAILABLE',
        message: `not ready: ${reasons.join('; ')}`,
        reasons,
        checks,
        gateway,
        party,
      });
    }
    void reply.header('Cache-Control', 'no-store');
    return { status: 'ready', checks, gateway, party };
  }

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Database and broker connectivity of this gateway (503 SERVICE_UNAVAILABLE with Retry-After when either is down), and its trust list: each party’s newest CRL (crlNumber, nextUpdate, source); status `degraded` (still 200) when one is within trust.crlStaleWarningSeconds of its nextUpdate, past it, or missing; and its links to the peers’ brokers (#15): per peer `state` (up, down, unknown), `messagesWaiting` in the outgoing queue, `since` and, while down, `downForSeconds` — status `degraded` (still 200) while a link is not up, as the gateway still accepts work, which waits for the link',
  })
  @ApiAnswer(
    object({
      status: str(undefined, { enum: ['ok', 'degraded'] }),
      info: { type: 'object', description: 'terminus: each indicator that is up' },
      error: { type: 'object', description: 'terminus: each indicator that is down' },
      details: { type: 'object' },
      gateway: str(),
      party: str(),
      trust: { type: 'object', description: 'each party’s newest CRL; `status`' },
      links: { type: 'object', description: 'per peer: state, messagesWaiting, since' },
    }),
  )
  async check() {
    const { id: gateway, party } = this.config.gateway;
    const trust = this.trustList.report();
    await this.links.check();
    const links = this.links.report();
    try {
      const result = await this.health.check([
        () => this.database.pingCheck('database', { timeout: 3000 }),
        () => this.broker.isHealthy('broker'),
      ]);
      // Degraded, not down: the gateway still works, but revocation is about to become (or
      // has become) impossible to check; monitoring should call someone before it does.
      // So is a link that is down (#15): messages for that peer wait in the broker and flow
      // when it returns.
      const status =
        trust.status === 'degraded' || this.links.status() === 'degraded'
          ? 'degraded'
          : result.status;
      return { ...result, status, gateway, party, trust, links };
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
        trust,
        links,
      });
    }
  }
}
