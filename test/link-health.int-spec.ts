import type { ConfirmChannel } from 'amqplib';
import { BROKER_EXCHANGE, outgoingQueue } from '@mxg/config';
import { eventually } from './support/exchange-pair';
import { queueState } from './support/faults';
import { proxyLink, type ProxiedLink } from './support/link-proxy';
import { createTestBroker, type TestBroker } from './support/test-broker';

/**
 * #15: what a gateway reads about its link from its own broker, measured on the real RabbitMQ
 * with the link's destination cut for real (a TCP proxy between the shovel and the peer's
 * vhost). The gateway's user, provisioned exactly as `mxg services provision` does it, asks by
 * passive declare of `mxg.outgoing.<peer>`.
 */
describe('#15 the link’s state as the gateway’s own AMQP user sees it (real RabbitMQ)', () => {
  let broker: TestBroker;
  let link: ProxiedLink | undefined;

  beforeAll(async () => {
    broker = await createTestBroker(['KZ', 'AZ']);
    link = await proxyLink(broker, 'KZ', 'AZ');
  }, 60_000);
  afterAll(async () => {
    await link?.unproxy();
    await broker?.drop();
  });

  /** The outgoing queue for AZ as KZ's gateway user reads it. */
  async function asKzGateway(): Promise<{ messageCount: number; consumerCount: number }> {
    const connection = await broker.connectUser('KZ');
    try {
      const channel = await connection.createChannel();
      const { messageCount, consumerCount } = await channel.checkQueue(outgoingQueue('AZ'));
      return { messageCount, consumerCount };
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  const linkIs = (consumers: number, what: string) =>
    eventually(
      async () => {
        const seen = await asKzGateway();
        return seen.consumerCount === consumers ? seen : undefined;
      },
      20_000,
      what,
    );

  async function publishAsKz(count: number): Promise<void> {
    const connection = await broker.connectUser('KZ');
    try {
      const channel: ConfirmChannel = await connection.createConfirmChannel();
      for (let i = 0; i < count; i++) {
        channel.publish(BROKER_EXCHANGE, 'az', Buffer.from(`m${i}`), { persistent: true });
      }
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
  }

  it('#15 lets KZ’s user read its outgoing queue by passive declare, with no configure or read right on it', async () => {
    const [permissions] = await broker
      .ctl('KZ')
      .json<{ configure: string; read: string }[]>(['list_user_permissions', broker.user('KZ')]);
    // Least privilege stays as it was: RabbitMQ 3.10 checks no permission on a passive declare.
    expect(permissions).toMatchObject({
      configure: '^$',
      read: '^(mxg\\.inbox\\.kz|mxg\\.dead\\-letter\\-intake\\.kz)$', // #17: its dead-letter intake too
    });
    expect(await linkIs(1, 'the link running through the proxy')).toEqual({
      messageCount: 0,
      consumerCount: 1,
    });
    expect(link?.proxy.connections).toBeGreaterThan(0);
  });

  it('#15 shows the link without a consumer while its destination is cut, messages waiting; both come back on restore', async () => {
    link!.proxy.cut();
    await linkIs(0, 'the link to lose its consumer');
    await publishAsKz(25);
    // The shovel keeps retrying (every second) and stays without a consumer while cut.
    for (let i = 0; i < 5; i++) {
      expect(await asKzGateway()).toEqual({ messageCount: 25, consumerCount: 0 });
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(await queueState(broker, 'AZ', 'mxg.inbox.az')).toMatchObject({ ready: 0 });

    link!.proxy.restore();
    await linkIs(1, 'the link back');
    await eventually(
      async () => ((await asKzGateway()).messageCount === 0 ? true : undefined),
      20_000,
      'the outgoing queue drained',
    );
    await eventually(
      async () =>
        (await queueState(broker, 'AZ', 'mxg.inbox.az')).ready === 25 ? true : undefined,
      20_000,
      '25 messages in AZ’s inbox',
    );
  }, 90_000);
});
