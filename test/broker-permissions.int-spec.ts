import type { ConfirmChannel } from 'amqplib';
import {
  BROKER_DEAD_LETTER_EXCHANGE,
  BROKER_EXCHANGE,
  deadLetterIntakeQueue,
  deadLetterQueue,
  inboxQueue,
  outgoingQueue,
} from '@mxg/config';
import { eventually } from './support/exchange-pair';
import { queueState } from './support/faults';
import { createTestBroker, type TestBroker } from './support/test-broker';

/**
 * Issue 10, finding 8: every party's AMQP user could publish into any party's dead-letter queue
 * (forged error codes, nothing audited), use any routing key, and passively declare other
 * parties' queues to read their depth and consumers. Here KZ's user, provisioned exactly as
 * `mxg services provision` provisions it, tries each of those against the real broker: KZ's own
 * node (#15), AZ's vhost on AZ's node.
 */
describe('#10.8 each party’s AMQP user may do exactly what its gateway needs (real RabbitMQ)', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await createTestBroker(['KZ', 'AZ']);
  }, 60_000);
  afterAll(() => broker?.drop());

  /**
   * Runs `act` on a fresh confirm channel of KZ's user, and returns how the broker answered: the
   * message it closed the channel with, or `accepted` when it did what was asked.
   */
  async function asKz(act: (channel: ConfirmChannel) => Promise<unknown>): Promise<string> {
    const connection = await broker.connectUser('KZ');
    try {
      const channel = await connection.createConfirmChannel();
      const closed = new Promise<string>((resolve) =>
        channel.once('error', (e: Error) => resolve(e.message)),
      );
      return await Promise.race([
        closed,
        act(channel).then(
          () => 'accepted',
          () => closed, // the broker's reason, not amqplib's "channel closed"
        ),
      ]);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  const publish =
    (exchange: string, key: string, options: Record<string, unknown> = {}) =>
    (channel: ConfirmChannel) =>
      new Promise<void>((resolve, reject) =>
        channel.publish(
          exchange,
          key,
          Buffer.from('forged'),
          { persistent: true, ...options },
          (error) =>
            error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
        ),
      );

  /** The broker's own words when it closes KZ's channel for a resource KZ may not use. */
  const refused = (kind: 'topic' | 'queue' | 'exchange', name: string, exchange?: string) =>
    'Channel closed by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - ' +
    `access to ${kind} '${name}'${exchange ? ` in exchange '${exchange}'` : ''} ` +
    `in vhost '${broker.vhost('KZ')}' refused for user '${broker.user('KZ')}'"`;

  it('#10.8 refuses KZ’s user a message into AZ’s dead-letter queue (a forged error code)', async () => {
    expect(
      await asKz(
        publish(BROKER_DEAD_LETTER_EXCHANGE, 'az', { headers: { 'x-mxg-error-code': 'FORGED' } }),
      ),
    ).toBe(refused('topic', 'az', BROKER_DEAD_LETTER_EXCHANGE));
  });

  it.each(['kz', '#', '*', 'xx', ''])(
    '#10.8 refuses KZ’s user routing key %p on mxg.messages (only other parties’ keys)',
    async (key) => {
      expect(await asKz(publish(BROKER_EXCHANGE, key))).toBe(
        refused('topic', key, BROKER_EXCHANGE),
      );
    },
  );

  it('#10.8 refuses KZ’s user every vhost of its node but its own: no passive declare can read another’s queues', async () => {
    // AZ's vhost is on AZ's node, where KZ's user does not exist (#15,
    // test/broker-sovereignty.int-spec.ts). On KZ's node the broker closes the connection at
    // connection.open (530 NOT_ALLOWED; amqplib does not pass the reason on) for a vhost that is
    // not KZ's — the node's default one, or one of AZ's name, which is not there — while the
    // same credentials open KZ's own vhost.
    expect(broker.node('KZ')).not.toBe(broker.node('AZ'));
    for (const vhost of ['/', broker.vhost('AZ')]) {
      await expect(broker.connectUser('KZ', vhost)).rejects.toThrow(
        'Expected ConnectionOpenOk; got <ConnectionClose channel:0>',
      );
    }
    await (await broker.connectUser('KZ')).close();
    // In KZ's own vhost, AZ's queues do not exist at all.
    for (const queue of [inboxQueue('AZ'), deadLetterQueue('AZ')]) {
      expect(await asKz((ch) => ch.checkQueue(queue))).toMatch(
        /^Channel closed by server: 404 \(NOT-FOUND\)/,
      );
    }
  });

  it('#10.8 refuses KZ’s user any declare, delete, purge or bind', async () => {
    const inbox = inboxQueue('KZ');
    expect(await asKz((ch) => ch.assertQueue('mxg.spy', { durable: false }))).toBe(
      refused('queue', 'mxg.spy'),
    );
    expect(await asKz((ch) => ch.assertExchange('mxg.spy', 'fanout'))).toBe(
      refused('exchange', 'mxg.spy'),
    );
    expect(await asKz((ch) => ch.deleteQueue(inbox))).toBe(refused('queue', inbox));
    // Purging needs read access, which KZ holds on its own inbox only (where purging is no more
    // than consuming everything): its dead-letter and outgoing queues are out of reach.
    for (const queue of [deadLetterQueue('KZ'), outgoingQueue('AZ')]) {
      expect(await asKz((ch) => ch.purgeQueue(queue))).toBe(refused('queue', queue));
    }
    expect(await asKz((ch) => ch.bindQueue(inbox, BROKER_EXCHANGE, '#'))).toBe(
      refused('queue', inbox),
    );
  });

  it('#10.8 refuses KZ’s user to consume anything but its own inbox (and its dead-letter intake, #17)', async () => {
    for (const queue of [inboxQueue('AZ'), deadLetterQueue('KZ'), outgoingQueue('AZ')]) {
      expect(await asKz((ch) => ch.consume(queue, () => undefined))).toBe(refused('queue', queue));
    }
  });

  it('#10.8 lets KZ’s user send to AZ: the message reaches AZ’s inbox over the link, properties and headers intact', async () => {
    const headers = { 'x-mxg-from': 'KZ', 'x-mxg-agreement': 'MIG', 'x-mxg-type': 'request' };
    expect(
      await asKz(
        publish(BROKER_EXCHANGE, 'az', {
          mandatory: true,
          messageId: 'm-10-8',
          type: 'mxg.envelope',
          contentType: 'application/pkcs7-mime',
          userId: broker.user('KZ'),
          headers,
        }),
      ),
    ).toBe('accepted');
    // AZ's own user takes it off AZ's inbox.
    const connection = await broker.connectUser('AZ');
    try {
      const channel = await connection.createChannel();
      const message = await eventually(
        async () => (await channel.get(inboxQueue('AZ'), { noAck: true })) || undefined,
        10_000,
        'the message in AZ’s inbox',
      );
      expect(message.content.toString()).toBe('forged');
      expect(message.fields.routingKey).toBe('az');
      expect(message.properties).toMatchObject({
        messageId: 'm-10-8',
        type: 'mxg.envelope',
        contentType: 'application/pkcs7-mime',
        deliveryMode: 2,
        // KZ's user's, checked by KZ's node at publication; between the nodes the link stamps the
        // user it logs in as, checked by AZ's node (#15): AZ knows it came over KZ's link.
        userId: broker.linkUser('KZ', 'AZ'),
        headers: expect.objectContaining(headers) as unknown,
      });
      await channel.close();
    } finally {
      await connection.close();
    }
  });

  it('#10.8 lets KZ’s user dead-letter to its own dead-letter queue', async () => {
    expect(
      await asKz(
        publish(BROKER_DEAD_LETTER_EXCHANGE, 'kz', { headers: { 'x-mxg-error-code': 'X' } }),
      ),
    ).toBe('accepted');
    expect(await queueState(broker, 'KZ', deadLetterQueue('KZ'))).toEqual({
      ready: 1,
      consumers: 0,
    });
  });

  it('#10.8 grants each party’s user its own vhost only, with topic permissions on both exchanges', async () => {
    for (const [party, other] of [
      ['KZ', 'az'],
      ['AZ', 'kz'],
    ] as const) {
      const own = party.toLowerCase();
      const permissions = JSON.parse(
        await broker
          .ctl(party)
          .run(['list_user_permissions', broker.user(party), '--formatter', 'json']),
      ) as unknown;
      expect(permissions).toEqual([
        {
          vhost: broker.vhost(party),
          configure: '^$',
          // #17: amq.default, to replay a dead letter into its own inbox.
          write: '^(mxg\\.messages|mxg\\.dead\\-letter|amq\\.default)$',
          // #17: and its copy of its dead letters.
          read: `^(mxg\\.inbox\\.${own}|mxg\\.dead\\-letter\\-intake\\.${own})$`,
        },
      ]);
      const topics = JSON.parse(
        await broker
          .ctl(party)
          .run(['list_user_topic_permissions', broker.user(party), '--formatter', 'json']),
      ) as { exchange: string }[];
      expect(topics.sort((a, b) => a.exchange.localeCompare(b.exchange))).toEqual([
        { vhost: broker.vhost(party), exchange: 'mxg.dead-letter', write: `^${own}$`, read: '^$' },
        { vhost: broker.vhost(party), exchange: 'mxg.messages', write: `^(${other})$`, read: '^$' },
      ]);
    }
  });

  it('#10.8 bounds every dead-letter queue, dropping the oldest: refused garbage cannot fill the disk', async () => {
    for (const party of broker.parties) {
      const vhost = broker.vhost(party);
      const ctl = broker.ctl(party);
      const queues = JSON.parse(
        await ctl.run(['list_queues', '-p', vhost, 'name', 'policy', '--formatter', 'json']),
      ) as { name: string; policy: string }[];
      const policies = JSON.parse(
        await ctl.run(['list_policies', '-p', vhost, '--formatter', 'json']),
      ) as { name: string; definition: unknown }[];
      const applied = queues.find((q) => q.name === deadLetterQueue(party))?.policy;
      const definition = policies.find((p) => p.name === applied)?.definition;
      expect(typeof definition === 'string' ? JSON.parse(definition) : definition).toEqual({
        overflow: 'drop-head',
        'max-length': 100_000,
        'max-length-bytes': 512 * 1024 * 1024,
      });
      // The dead-letter queue and the gateway's intake copy (#17) only: an inbox or outgoing
      // queue never drops a message.
      expect(
        queues
          .filter((q) => q.policy === applied)
          .map((q) => q.name)
          .sort(),
      ).toEqual([deadLetterIntakeQueue(party), deadLetterQueue(party)].sort());
      expect(queues.filter((q) => q.policy).map((q) => q.name)).toHaveLength(2);
    }
  });
});
