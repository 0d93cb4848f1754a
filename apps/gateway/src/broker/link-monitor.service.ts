import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { listGateways, MxgConfigService, outgoingQueue } from '@mxg/config';
import { BrokerConnection } from './broker-connection.service';
import { type LinkObservation, type LinkReport, LinkStates } from './link-state';

/** How often the links are checked between /health calls, so `since` stays within it. */
export const LINK_CHECK_INTERVAL_MS = 5_000;
/** A check that takes longer reports the link's state as unknown (a hung broker). */
const LINK_CHECK_TIMEOUT_MS = 3_000;

/**
 * Watches this party's links to its peers (#15): every few seconds, and at once on /health, a
 * passive declare of each `mxg.outgoing.<peer>` on the gateway's own broker connection. The
 * gateway's AMQP user needs no permission for it (RabbitMQ checks none on a passive declare;
 * see test/link-health.int-spec.ts), and its own vhost holds only its own party's queues.
 * The peers are the parties this gateway's file links to (`links`: in production, where
 * `config/gateways/` may hold this gateway's file only) and those of the other gateway files
 * (development and tests, whose parties share a checkout), as provisioning declares their
 * outgoing queues.
 */
@Injectable()
export class LinkMonitor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LinkMonitor.name);
  private readonly states: LinkStates;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly broker: BrokerConnection,
    config: MxgConfigService,
  ) {
    const own = config.gateway.party;
    const peers = [
      ...config.gateway.links.map((link) => link.party),
      ...listGateways(config.paths.config).map((id) => config.forGateway(id).gateway.party),
    ].filter((party) => party !== own);
    this.states = new LinkStates([...new Set(peers)].sort());
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.check(), LINK_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Checks every link now (one check at a time: a /health call joins one under way). */
  check(): Promise<void> {
    this.running ??= this.checkAll().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Every peer's link, as last checked. */
  report(): Record<string, LinkReport> {
    return this.states.report(Date.now());
  }

  status(): 'ok' | 'degraded' {
    return this.states.status();
  }

  private async checkAll(): Promise<void> {
    for (const peer of this.states.peers) {
      const observation = await withTimeout(this.observe(peer), LINK_CHECK_TIMEOUT_MS);
      const before = this.states.report(Date.now())[peer]?.state;
      this.states.observe(peer, observation, Date.now());
      const after = this.states.report(Date.now())[peer].state;
      if (before !== after && before !== 'unknown') {
        this.logger.warn(`link to ${peer}: ${before} → ${after}`);
      }
    }
  }

  private async observe(peer: string): Promise<LinkObservation> {
    if (!this.broker.isConnected) {
      return { error: this.broker.lastFailure ?? 'not connected to the broker' };
    }
    try {
      return await this.broker.queueState(outgoingQueue(peer));
    } catch (error) {
      return { error: `cannot check ${outgoingQueue(peer)}: ${(error as Error).message}` };
    }
  }
}

async function withTimeout(
  observation: Promise<LinkObservation>,
  ms: number,
): Promise<LinkObservation> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<LinkObservation>((resolve) => {
    timer = setTimeout(() => resolve({ error: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([observation, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
