import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { AuditAppender, type AuditEventInput } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock, isUuid } from '@mxg/core';
import { BrokerConnection } from '../broker/broker-connection.service';
import type { OutboxRow } from '../exchange/exchange.types';
import {
  gatewayActor,
  messageAuditContext,
  transitionEvent,
} from '../exchange/message-audit-context';
import { OutboxSignal } from '../exchange/outbox-signal';
import type { Db } from '../exchange/store/exchange-store.types';
import { ExchangeStore } from '../exchange/store/exchange.store';
import { GatewayMetrics } from '../metrics/gateway-metrics';

const BATCH = 200;
const IDLE_POLL_MS = 250;
const OUTBOX_ID_HEADER = 'x-mxg-outbox-id';

/**
 * Publishes the outbox (transactional outbox pattern): rows are claimed with `FOR UPDATE SKIP
 * LOCKED` (several instances share the work), published persistent and `mandatory` on a
 * confirm channel, and marked published in the same transaction only once the broker has
 * confirmed them. A row the broker returns as unroutable, or nacks, stays in the outbox and is
 * retried with backoff — a failure to handle, never a silent drop. If the gateway dies between
 * confirm and commit, the row is published again; receivers deduplicate on the message id.
 *
 * Everything is published in this party's own vhost, with the receiving party's routing key:
 * a confirm means "in my vhost's outgoing queue for that party" (or in my own dead-letter
 * queue), from where a link carries it to the receiver's vhost (README "The broker"). That is
 * enough: delivery is proven end to end by the receiver's signed receipt, not by the confirm.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private channel: ConfirmChannel | undefined;
  private readonly returned = new Set<string>();
  private stopped = false;
  private wake: (() => void) | undefined;
  /** A poke came while a batch was being published: look again before sleeping. */
  private signalled = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly broker: BrokerConnection,
    private readonly messages: ExchangeStore,
    private readonly audit: AuditAppender,
    signal: OutboxSignal,
    private readonly metrics: GatewayMetrics,
  ) {
    signal.listen(() => this.poke());
  }

  onApplicationBootstrap(): void {
    this.broker.onConnected(async (connection) => {
      const channel = await connection.createConfirmChannel();
      this.returned.clear(); // markers of a closed channel must not taint the next publish
      channel.on('return', (message: ConsumeMessage) => {
        const id: unknown = message.properties.headers?.[OUTBOX_ID_HEADER];
        if (typeof id === 'string') this.returned.add(id);
      });
      channel.on('error', (error: Error) => this.logger.warn(`publish channel: ${error.message}`));
      channel.on('close', () => {
        if (this.channel === channel) this.channel = undefined;
      });
      this.channel = channel;
      this.poke();
    });
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.loop;
    // Close the channel before the connection: confirms still in flight would be lost.
    await this.channel?.close().catch(() => undefined);
  }

  /** Something may be due: publish now, or right after the batch being published. */
  private poke(): void {
    this.signalled = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let published = 0;
      this.signalled = false;
      try {
        published = await this.publishBatch();
      } catch (error) {
        this.logger.warn(`outbox batch not published, will retry: ${(error as Error).message}`);
      }
      // Rows committed while this batch was out are not in it: a poke meanwhile means go on.
      if (published < BATCH && !this.stopped && !this.signalled) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** One batch in one transaction; throws (rolling back) if the channel fails mid-way. */
  async publishBatch(): Promise<number> {
    const channel = this.channel;
    if (!channel) return 0;
    const published: OutboxRow[] = [];
    const claimed = await this.messages.transaction(async (tx) => {
      published.length = 0; // a transaction retried starts afresh
      const now = this.clock.now();
      const rows = await this.messages.claimOutbox(tx, now, BATCH);
      if (rows.length === 0) return 0;
      const outcomes = await this.confirmed(rows.map((row) => this.publish(channel, row)));
      // The broker sends basic.return before basic.ack, so returns are known by now.
      for (const [i, row] of rows.entries()) {
        const outcome = outcomes[i];
        // A channel that closed mid-batch confirms nothing: roll back, publish again later.
        if (outcome.status === 'rejected' && this.channel !== channel) throw outcome.reason;
        const unroutable = this.returned.delete(row.id);
        if (outcome.status === 'fulfilled' && !unroutable) {
          published.push(row);
        } else {
          const reason = unroutable ? 'UNROUTABLE' : 'BROKER_NACK';
          const retryAt = new Date(
            now.getTime() + Math.min(60_000, 1000 * 2 ** Math.min(row.attempts, 6)),
          );
          await this.messages.markPublishFailed(tx, row.id, reason, retryAt);
          this.logger.warn(
            `outbox row ${row.id} (${row.kind}) not published: ${reason}; retry at ${retryAt.toISOString()}`,
          );
        }
      }
      await this.recordPublished(tx, published, now);
      return rows.length;
    });
    // Counted once committed (#17).
    for (const kind of ['envelope', 'receipt', 'dead-letter'] as const) {
      this.metrics.outboxPublished(kind, published.filter((row) => row.kind === kind).length);
    }
    return claimed;
  }

  /**
   * The publishes' confirms, within MXG_PUBLISH_CONFIRM_TIMEOUT_MS. A node may take a publish
   * and never confirm it (killed while its quorum queue's leader, #15): then the connection is
   * abandoned — the cluster's next node, a new channel — and the batch throws, rolling back to be
   * published again. The late confirms of the old channel settle into nothing.
   */
  private async confirmed(publishes: Promise<void>[]): Promise<PromiseSettledResult<void>[]> {
    const ms = this.config.env.MXG_PUBLISH_CONFIRM_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), ms);
    });
    try {
      const outcome = await Promise.race([Promise.allSettled(publishes), timedOut]);
      if (outcome !== 'timed out') return outcome;
    } finally {
      clearTimeout(timer);
    }
    this.broker.abandon(`${publishes.length} publishes not confirmed within ${ms} ms`);
    throw new Error(`the broker did not confirm within ${ms} ms; publishing again`);
  }

  private publish(channel: ConfirmChannel, row: OutboxRow): Promise<void> {
    return new Promise((resolve, reject) => {
      channel.publish(
        row.exchange,
        row.routingKey,
        row.payload,
        {
          persistent: true,
          mandatory: true,
          messageId: row.properties.messageId,
          type: row.properties.type,
          contentType: 'application/pkcs7-mime',
          timestamp: Math.floor(this.clock.now().getTime() / 1000),
          appId: `mxg-gateway-${this.config.gateway.party.toLowerCase()}`,
          headers: { ...row.properties.headers, [OUTBOX_ID_HEADER]: row.id },
        },
        (error) =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
      );
    });
  }

  /**
   * The published rows and their consequences, in two statements whatever the batch size: rows
   * and messages marked together, then the audit entries.
   */
  private async recordPublished(tx: Db, rows: readonly OutboxRow[], now: Date): Promise<void> {
    if (rows.length === 0) return;
    const { receiptTimeoutSeconds } = this.config.gateway.exchange;
    const envelopes = await this.messages.markBatchPublished(tx, rows, now, receiptTimeoutSeconds);
    // Every copy published is on the record, also of a message its receipt has moved on already.
    const events: AuditEventInput[] = envelopes.map((message) =>
      transitionEvent(
        'publish',
        messageAuditContext(message, gatewayActor(message.from.authority)),
        { details: { attempt: message.attempts } },
      ),
    );
    // A replay was audited when a security officer asked for it (dead-letter.replayed).
    for (const row of rows.filter((r) => r.kind === 'receipt' || r.kind === 'dead-letter')) {
      events.push({
        type: row.kind === 'receipt' ? 'receipt.sent' : 'message.dead-lettered',
        actor: { role: 'gateway' },
        messageId: isUuid(row.messageId) ? row.messageId : null,
        parties: [this.config.gateway.party],
        ...(row.kind === 'dead-letter'
          ? {
              outcome: 'failure' as const,
              errorCode: row.properties.headers['x-mxg-error-code'] ?? 'REFUSED',
            }
          : {}),
        details: { routingKey: row.routingKey },
      });
    }
    await this.audit.appendMany(events, { db: tx });
  }
}
