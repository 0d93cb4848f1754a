import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { inboxQueue, MxgConfigService } from '@mxg/config';
import type { TransportHeader } from '@mxg/envelope';
import { BrokerConnection } from '../broker/broker-connection.service';
import { ReceiveEnvelope } from '../exchange/use-cases/receive-envelope/receive-envelope.use-case';
import { ReceiveReceipt } from '../exchange/use-cases/receive-receipt/receive-receipt.use-case';
import { ConsumerStall } from './consumer-stall';

/** Retries of a delivery that failed for a passing reason (e.g. the database is down). */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
const RETRY_FOR_MS = 10 * 60_000;
/** How often the consumer checks that it is not passed over while messages wait (#15). */
const STALL_CHECK_MS = 15_000;

/**
 * Consumes this party's inbox queue with manual acknowledgement and bounded prefetch. A
 * delivery is acknowledged only after its outcome — stored, duplicate or refused — has been
 * committed; a passing failure is retried in place with backoff, and a delivery that keeps
 * failing across redeliveries is dead-lettered by the broker (the quorum queue's delivery
 * limit), never requeued forever.
 * Several instances of one gateway may consume the same queue: the database deduplicates.
 */
@Injectable()
export class InboxConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxConsumer.name);
  private channel: Channel | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private lastDelivery = Date.now();
  private readonly stall = new ConsumerStall(STALL_CHECK_MS);
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: MxgConfigService,
    private readonly broker: BrokerConnection,
    private readonly receiveEnvelope: ReceiveEnvelope,
    private readonly receiveReceipt: ReceiveReceipt,
  ) {}

  onApplicationBootstrap(): void {
    this.broker.onConnected(async (connection) => {
      const channel = await connection.createChannel();
      channel.on('error', (error: Error) => this.logger.warn(`consumer channel: ${error.message}`));
      channel.on('close', () => {
        if (this.channel === channel) this.channel = undefined;
      });
      await channel.prefetch(this.config.gateway.exchange.prefetch);
      // Current before the first delivery can arrive: `handle` compares against it.
      this.channel = channel;
      this.lastDelivery = Date.now();
      await channel.consume(inboxQueue(this.config.gateway.party), (delivery) => {
        if (!delivery) return; // the broker cancelled the consumer; reconnection restarts it
        this.lastDelivery = Date.now();
        const work = this.handle(channel, delivery);
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      });
      this.logger.log(`consuming ${inboxQueue(this.config.gateway.party)}`);
    });
    this.stallTimer = setInterval(() => void this.checkStalled(), STALL_CHECK_MS);
    this.stallTimer.unref();
  }

  /** A consumer passed over while messages wait starts anew on a new connection (ConsumerStall). */
  private async checkStalled(): Promise<void> {
    if (!this.channel) return;
    const queue = inboxQueue(this.config.gateway.party);
    try {
      const { messageCount } = await this.broker.queueState(queue);
      const now = {
        msSinceDelivery: Date.now() - this.lastDelivery,
        inHand: this.inFlight.size,
        ready: messageCount,
      };
      if (this.stall.observe(now)) {
        this.broker.abandon(
          `${messageCount} messages wait in ${queue}, none delivered to this consumer for ${Math.round(now.msSinceDelivery / 1000)} s`,
        );
      }
    } catch {
      // No broker now: the connection's own recovery is under way.
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.stallTimer);
    const channel = this.channel;
    this.channel = undefined;
    await Promise.allSettled([...this.inFlight]);
    // Close the channel (flushing acks) before the connection closes: closing the connection
    // right after acking loses those acks, and the messages come back as redeliveries.
    await channel?.close().catch(() => undefined);
  }

  private async handle(channel: Channel, delivery: ConsumeMessage): Promise<void> {
    const { properties } = delivery;
    const headers = (properties.headers ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof headers[key] === 'string' ? headers[key] : undefined);
    const messageId = typeof properties.messageId === 'string' ? properties.messageId : undefined;
    const process = () =>
      properties.type === 'mxg.receipt'
        ? this.receiveReceipt.execute(delivery.content, messageId)
        : // MXG gateways send no routing headers (MIG-11.1, docs/confidentiality.md); one that
          // another sender added is still checked against the sealed header, never trusted.
          this.receiveEnvelope.execute(delivery.content, {
            id: messageId,
            type: text('x-mxg-type'),
            agreement: text('x-mxg-agreement'),
            fromParty: text('x-mxg-from'),
            toParty: text('x-mxg-to'),
          } satisfies TransportHeader);

    // A passing failure (the database is down) is retried here, with backoff, holding the
    // delivery: redelivering it would count towards the queue's delivery limit and dead-letter
    // a good message during a long outage. Consumption pauses by itself once `prefetch`
    // deliveries wait. Only when the channel is gone, or after RETRY_FOR_MS, does the broker
    // get it back.
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await process();
        break;
      } catch (error) {
        const gone = this.channel !== channel;
        if (gone || Date.now() - started > RETRY_FOR_MS) {
          this.logger.error(
            `delivery ${messageId ?? '(no id)'} not processed, returning it to the queue: ${(error as Error).message}`,
          );
          if (!gone) safely(() => channel.nack(delivery, false, true));
          return;
        }
        const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
        this.logger.warn(
          `delivery ${messageId ?? '(no id)'} not processed (${(error as Error).message}); retrying in ${wait} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    // The outcome is committed. If the channel closed meanwhile the ack is lost and the broker
    // redelivers: the duplicate is recognised by its message id and answered with the receipt.
    if (!safely(() => channel.ack(delivery))) {
      this.logger.debug(
        `ack of ${messageId ?? '(no id)'} lost with its channel; the redelivery will be deduplicated`,
      );
    }
  }
}

/** Runs an ack/nack that throws once its channel has closed; says whether it went through. */
function safely(action: () => void): boolean {
  try {
    action();
    return true;
  } catch {
    return false;
  }
}
