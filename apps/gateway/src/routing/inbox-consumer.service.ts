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

/** A delivery that failed for a passing reason (database down) waits this long before requeue. */
const REQUEUE_DELAY_MS = 1000;

/**
 * Consumes this party's inbox queue with manual acknowledgement and bounded prefetch. A
 * delivery is acknowledged only after its outcome — stored, duplicate or refused — has been
 * committed; a passing failure requeues it after a pause, and a delivery that keeps failing
 * is dead-lettered by the broker (the quorum queue's delivery limit), never requeued forever.
 * Several instances of one gateway may consume the same queue: the database deduplicates.
 */
@Injectable()
export class InboxConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxConsumer.name);
  private channel: Channel | undefined;
  private readonly inFlight = new Set<Promise<void>>();

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
      await channel.consume(inboxQueue(this.config.gateway.party), (delivery) => {
        if (!delivery) return; // the broker cancelled the consumer; reconnection restarts it
        const work = this.handle(channel, delivery);
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      });
      this.channel = channel;
      this.logger.log(`consuming ${inboxQueue(this.config.gateway.party)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await Promise.allSettled([...this.inFlight]);
    // Close the channel (flushing acks) before the connection closes: FIELD-NOTES.
    await channel?.close().catch(() => undefined);
  }

  private async handle(channel: Channel, delivery: ConsumeMessage): Promise<void> {
    const { properties } = delivery;
    const headers = (properties.headers ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof headers[key] === 'string' ? headers[key] : undefined);
    const messageId = typeof properties.messageId === 'string' ? properties.messageId : undefined;
    try {
      if (properties.type === 'mxg.receipt') {
        await this.receiveReceipt.execute(delivery.content, messageId, text('x-mxg-agreement'));
      } else {
        const transport: TransportHeader = {
          id: messageId,
          type: text('x-mxg-type'),
          agreement: text('x-mxg-agreement'),
          fromParty: text('x-mxg-from'),
          toParty: text('x-mxg-to'),
        };
        await this.receiveEnvelope.execute(delivery.content, transport);
      }
      channel.ack(delivery);
    } catch (error) {
      this.logger.error(
        `delivery ${messageId ?? '(no id)'} not processed, requeueing: ${(error as Error).message}`,
      );
      await new Promise((resolve) => setTimeout(resolve, REQUEUE_DELAY_MS));
      try {
        channel.nack(delivery, false, true);
      } catch {
        // The channel is gone: the broker requeues unacknowledged deliveries by itself.
      }
    }
  }
}
