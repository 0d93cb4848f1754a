import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { deadLetterIntakeQueue, MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { BrokerConnection } from '../broker/broker-connection.service';
import { DeadLetterEvents } from './dead-letter-events';
import { DeadLetterStore } from './dead-letter.store';
import { readIncomingDeadLetter } from './incoming-dead-letter';

const PREFETCH = 16;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Takes this party's dead letters off its intake queue into the `dead_letters` table (README
 * "Dead letters"). A delivery is acknowledged only once it is committed, so none is lost; the
 * gateway stopping between commit and ack brings it again, and its `source` makes it one row.
 * A failure to store (the database is down) is retried in place with backoff, holding the
 * delivery. Several instances of a gateway may consume the queue: the table deduplicates.
 *
 * A broker provisioned before the intake queue existed (`mxg services provision` declares it)
 * has none to consume: that is logged, and everything else goes on.
 */
@Injectable()
export class DeadLetterIntake implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadLetterIntake.name);
  private channel: Channel | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly broker: BrokerConnection,
    private readonly store: DeadLetterStore,
    private readonly events: DeadLetterEvents,
  ) {}

  onApplicationBootstrap(): void {
    const queue = deadLetterIntakeQueue(this.config.gateway.party);
    this.broker.onConnected(async (connection) => {
      const channel = await connection.createChannel();
      channel.on('error', (error: Error) =>
        this.logger.warn(`dead-letter intake channel: ${error.message}`),
      );
      channel.on('close', () => {
        if (this.channel === channel) this.channel = undefined;
      });
      try {
        await channel.prefetch(PREFETCH);
        this.channel = channel;
        await channel.consume(queue, (delivery) => {
          if (!delivery) return; // cancelled by the broker; reconnection restarts it
          const work = this.handle(channel, delivery);
          this.inFlight.add(work);
          void work.finally(() => this.inFlight.delete(work));
        });
        this.logger.log(`consuming ${queue}`);
      } catch (error) {
        // Its own channel only: the inbox and the outbox go on without it.
        this.logger.error(
          `dead letters are not taken in from ${queue} (run \`mxg services provision\`): ${(error as Error).message}`,
        );
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await Promise.allSettled([...this.inFlight]);
    await channel?.close().catch(() => undefined);
  }

  private async handle(channel: Channel, delivery: ConsumeMessage): Promise<void> {
    const letter = readIncomingDeadLetter(delivery.content, delivery.properties, this.clock.now());
    for (let attempt = 0; ; attempt++) {
      try {
        const kept = await this.store.record(letter);
        if (kept) {
          this.logger.warn(
            `dead letter ${kept.record.id} held: ${kept.record.code} (${kept.record.kind}, ${kept.record.size} bytes, sha256 ${kept.record.sha256})`,
          );
          if (kept.dropped > 0) {
            this.logger.warn(`${kept.dropped} oldest dead letters dropped beyond the bound`);
          }
          this.events.held({ code: kept.record.code, kind: kept.record.kind });
        }
        break;
      } catch (error) {
        if (this.channel !== channel) return; // the broker redelivers it
        const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
        this.logger.warn(
          `dead letter not stored (${(error as Error).message}); retrying in ${wait} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    try {
      channel.ack(delivery);
    } catch {
      // The channel closed: the broker redelivers it, and `source` makes it one row.
    }
  }
}
