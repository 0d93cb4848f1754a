import { connect, type Channel, type ChannelModel } from 'amqplib';
import {
  BROKER_DEAD_LETTER_EXCHANGE,
  BROKER_EXCHANGE,
  deadLetterQueue,
  inboxQueue,
} from '@mxg/config';

/** Deliveries of one message before the broker dead-letters it as poison (crash loops). */
export const DELIVERY_LIMIT = 20;

/**
 * Declares, as the broker's administrator, what the gateways use and may not create themselves:
 * a topic exchange routed by receiving party; per party a durable quorum inbox queue whose
 * rejected or poison messages go to the dead-letter exchange, and a dead-letter queue.
 * Declaring what exists changes nothing; returns what was created.
 */
export async function declareBrokerTopology(
  adminUrl: string,
  parties: readonly string[],
): Promise<string[]> {
  const connection = await connect(adminUrl);
  try {
    const created: string[] = [];
    const ensure = async (
      kind: 'exchange' | 'queue',
      name: string,
      declare: (ch: Channel) => Promise<unknown>,
    ) => {
      if (!(await exists(connection, kind, name))) created.push(`declared ${kind} ${name}`);
      const channel = await connection.createChannel();
      await declare(channel);
      await channel.close();
    };
    await ensure('exchange', BROKER_EXCHANGE, (ch) =>
      ch.assertExchange(BROKER_EXCHANGE, 'topic', { durable: true }),
    );
    await ensure('exchange', BROKER_DEAD_LETTER_EXCHANGE, (ch) =>
      ch.assertExchange(BROKER_DEAD_LETTER_EXCHANGE, 'topic', { durable: true }),
    );
    for (const party of parties) {
      const key = party.toLowerCase();
      await ensure('queue', inboxQueue(party), async (ch) => {
        await ch.assertQueue(inboxQueue(party), {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-dead-letter-exchange': BROKER_DEAD_LETTER_EXCHANGE,
            'x-dead-letter-routing-key': key,
            'x-delivery-limit': DELIVERY_LIMIT,
          },
        });
        await ch.bindQueue(inboxQueue(party), BROKER_EXCHANGE, key);
      });
      await ensure('queue', deadLetterQueue(party), async (ch) => {
        await ch.assertQueue(deadLetterQueue(party), {
          durable: true,
          arguments: { 'x-queue-type': 'quorum' },
        });
        await ch.bindQueue(deadLetterQueue(party), BROKER_DEAD_LETTER_EXCHANGE, key);
      });
    }
    return created;
  } finally {
    await connection.close();
  }
}

/** A passive declare on a throw-away channel: a missing object closes that channel only. */
async function exists(
  connection: ChannelModel,
  kind: 'exchange' | 'queue',
  name: string,
): Promise<boolean> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await (kind === 'exchange' ? channel.checkExchange(name) : channel.checkQueue(name));
    await channel.close();
    return true;
  } catch {
    return false;
  }
}
