import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { BROKER_DEAD_LETTER_EXCHANGE, BROKER_EXCHANGE } from '@mxg/config';
import type { TestBroker } from './test-broker';

/** One message as it crossed one party's vhost: where, with which key, properties and body. */
export interface TappedMessage {
  readonly party: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly properties: ConsumeMessage['properties'];
  readonly content: Buffer;
}

export interface BrokerTap {
  readonly messages: readonly TappedMessage[];
  close(): Promise<void>;
}

/**
 * A copy of every message published to MXG's exchanges — messages and dead letters — in each
 * party's vhost: a test-only queue per vhost bound with `#`, declared by the node's
 * administrator before the gateways start. The broker routes each publish to it as it does to
 * the real queues, so a message the sender publishes is seen in its vhost, and again in the
 * receiver's when the link delivers it there. The queues are exclusive: they go with `close`.
 */
export async function tapBroker(broker: TestBroker): Promise<BrokerTap> {
  const messages: TappedMessage[] = [];
  const connections: ChannelModel[] = [];
  try {
    for (const party of broker.parties) {
      const connection = await broker.connectAdmin(party);
      connections.push(connection);
      const channel: Channel = await connection.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true, durable: false });
      for (const exchange of [BROKER_EXCHANGE, BROKER_DEAD_LETTER_EXCHANGE]) {
        await channel.bindQueue(queue, exchange, '#');
      }
      await channel.consume(
        queue,
        (message) => {
          if (!message) return;
          messages.push({
            party,
            exchange: message.fields.exchange,
            routingKey: message.fields.routingKey,
            properties: message.properties,
            content: message.content,
          });
        },
        { noAck: true },
      );
    }
  } catch (error) {
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    throw error;
  }
  return {
    messages,
    async close() {
      await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    },
  };
}
