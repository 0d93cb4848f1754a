import type { ChannelModel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import { BROKER_EXCHANGE, deadLetterQueue } from '@mxg/config';
import { eventually, type ExchangePair } from './exchange-pair';

/**
 * The broker as a misbehaving peer or an operator sees it: raw bytes published as a party's own
 * AMQP user, dead letters taken off a party's queue as its node's administrator. The one place
 * these tests connect to the broker themselves, so that a change of who may publish what is
 * made here once.
 */
async function withChannel<T>(
  connection: ChannelModel,
  work: (channel: ConfirmChannel) => Promise<T>,
): Promise<T> {
  try {
    const channel = await connection.createConfirmChannel();
    try {
      return await work(channel);
    } finally {
      // Closed before the connection: closing the connection right after acking loses the acks.
      await channel.close();
    }
  } finally {
    await connection.close();
  }
}

export interface RawDelivery {
  readonly bytes: Uint8Array;
  readonly properties: Options.Publish;
}

/**
 * Publishes `deliveries` for `to`'s inbox, persistent and mandatory, exactly as `from`'s gateway
 * (or whoever holds its password) can: as `from`'s own user, into its own vhost, with `to`'s
 * routing key; the link carries them on. `from` is the pair's other party unless given. Returns
 * once the broker confirmed all.
 */
export async function publishRaw(
  pair: ExchangePair,
  to: string,
  deliveries: readonly RawDelivery[],
  from: string = to === 'KZ' ? 'AZ' : 'KZ',
): Promise<void> {
  return withChannel(await pair.broker.connectUser(from), async (channel) => {
    for (const { bytes, properties } of deliveries) {
      channel.publish(BROKER_EXCHANGE, to.toLowerCase(), Buffer.from(bytes), {
        persistent: true,
        mandatory: true,
        ...properties,
      });
    }
    await channel.waitForConfirms();
  });
}

/**
 * Takes messages off `party`'s dead-letter queue until `count` of those `which` selects (all, by
 * default) have come, waiting for them; the others are taken and dropped.
 */
export async function takeDeadLetters(
  pair: ExchangePair,
  party: string,
  count: number,
  which: (message: GetMessage) => boolean = () => true,
): Promise<GetMessage[]> {
  return withChannel(await pair.broker.connectAdmin(party), async (channel) => {
    const taken: GetMessage[] = [];
    await eventually(
      async () => {
        const message = await channel.get(deadLetterQueue(party), { noAck: true });
        if (message && which(message)) taken.push(message);
        return taken.length >= count ? true : undefined;
      },
      30_000,
      `${count} dead letters on ${party}'s queue`,
    );
    return taken;
  });
}
