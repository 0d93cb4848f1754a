import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Client } from 'pg';
import { postgresClientConfig } from '@mxg/database';
import { DataSource } from 'typeorm';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import {
  AuditLogWorker,
  type AuditLogWorkerState,
  AuditSequencer,
  HttpWitnessTransport,
  WitnessClient,
  type SqlSession,
  type WitnessFetch,
} from '@mxg/audit';
import { GATEWAY_TLS } from '../tls/tls.constants';
import type { GatewayTls } from '../tls/gateway-tls';
import { tlsFetch } from '../tls/tls-fetch';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AUDIT_KEYS } from './audit.constants';
import type { AuditKeys } from './audit-keys';

/**
 * Runs this gateway's audit sequencer and checkpointer in the background and sends each new
 * checkpoint to the peers' witnesses. Several instances may run: one leads (advisory lock).
 */
@Injectable()
export class AuditLogService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly sequencer: AuditSequencer;
  private readonly worker: AuditLogWorker;

  constructor(
    config: MxgConfigService,
    clock: Clock,
    dataSource: DataSource,
    @Inject(AUDIT_KEYS) keys: AuditKeys,
    @Inject(GATEWAY_TLS) tls: GatewayTls | null,
    metrics: GatewayMetrics,
  ) {
    this.sequencer = new AuditSequencer({
      // Its own session, as the application role: the lock is held as long as it lives.
      connect: async (): Promise<SqlSession> => {
        // #15: over TLS (verify-full) when the gateway file sets database.tls.
        const client = new Client(
          postgresClientConfig(config.databaseUrl, {
            application_name: `mxg-audit-sequencer-${config.gateway.id}`,
          }),
        );
        client.on('error', (error) => this.logger.warn(`sequencer connection: ${error.message}`));
        await client.connect();
        return client;
      },
      clock,
      origin: keys.origin,
      signer: keys.signer,
      certificatePem: keys.certificatePem,
    });
    for (const warning of keys.warnings) this.logger.warn(warning);
    const witnesses = new WitnessClient({
      db: dataSource,
      origin: keys.origin,
      certificatePem: keys.certificatePem,
      peers: config.gateway.witnesses.map((w) => ({
        party: w.party,
        transport: new HttpWitnessTransport(w.url.replace(/\/+$/, ''), this.fetchFor(w, tls)),
      })),
      trust: keys.trust,
      clock,
      consistencyProof: (oldSize, newSize) =>
        this.sequencer.tree.consistencyProof(oldSize, newSize),
      logger: this.logger,
      onFailure: (party, code) => metrics.witnessFailed(party, code),
    });
    this.worker = new AuditLogWorker(this.sequencer, {
      onCheckpoint: (checkpoint) => witnesses.notify(checkpoint),
      logger: this.logger,
    });
  }

  /**
   * #15: with TLS on, a witness is called over mutual TLS — this gateway presents its party's TLS
   * client certificate and trusts, for the peer's server, that peer party's CA and nothing else.
   */
  private fetchFor(
    witness: { party: string; url: string },
    tls: GatewayTls | null,
  ): WitnessFetch | undefined {
    if (tls === null) return undefined;
    if (!witness.url.startsWith('https://')) {
      this.logger.warn(
        `http.tls is on but ${witness.party}'s witness URL is not https://: its witness calls go without TLS`,
      );
      return undefined;
    }
    const ca = tls.peerCas.get(witness.party);
    return ca && tlsFetch({ ca: ca.pem, cert: tls.client.cert, key: tls.client.key });
  }

  /** Whether the sequencer runs (leading, or following another instance) and its last failure. */
  state(): AuditLogWorkerState {
    return this.worker.state();
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
