import { type ConfirmChannel, connect, type GetMessage, type Options } from 'amqplib';
import { BROKER_EXCHANGE, deadLetterQueue } from '@mxg/config';
import { eventually, type ExchangePair } from './exchange-pair';

/**
 * The broker as a misbehaving peer or an operator sees it: raw bytes published into the
 * exchange, dead letters taken off a party's queue. The one place these tests connect to the
 * broker themselves (as the vhost's administrator), so that a change of who may publish what
 * is made here once.
 */
async function withChannel<T>(
  pair: ExchangePair,
  work: (channel: ConfirmChannel) => Promise<T>,
): Promise<T> {
  const connection = await connect(pair.broker.adminUrl);
  try {
    const channel = await connection.createConfirmChannel();
    try {
      return await work(channel);
    } finally {
      // Closed before the connection, so acks and confirms are not lost (FIELD-NOTES).
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

/** Publishes `deliveries` to `party`'s inbox, persistent; returns once the broker confirmed all. */
export function publishRaw(
  pair: ExchangePair,
  party: string,
  deliveries: readonly RawDelivery[],
): Promise<void> {
  return withChannel(pair, async (channel) => {
    for (const { bytes, properties } of deliveries) {
      channel.publish(BROKER_EXCHANGE, party.toLowerCase(), Buffer.from(bytes), {
        persistent: true,
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
export function takeDeadLetters(
  pair: ExchangePair,
  party: string,
  count: number,
  which: (message: GetMessage) => boolean = () => true,
): Promise<GetMessage[]> {
  return withChannel(pair, async (channel) => {
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
