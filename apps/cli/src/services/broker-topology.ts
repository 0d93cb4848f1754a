import { connect, type Channel, type ChannelModel } from 'amqplib';
import {
  BROKER_DEAD_LETTER_EXCHANGE,
  BROKER_EXCHANGE,
  brokerLinkName,
  DEAD_LETTER_BOUND,
  deadLetterIntakeQueue,
  deadLetterQueue,
  inboxQueue,
  outgoingQueue,
  permissionForAny,
  routingKey,
} from '@mxg/config';
import type { Rabbitmqctl } from './rabbitmqctl';

/** Deliveries of one message before the broker dead-letters it as poison (crash loops). */
export const DELIVERY_LIMIT = 20;

/** How much a dead-letter queue keeps (now in @mxg/config: the gateway's table keeps as much). */
export { DEAD_LETTER_BOUND };

/** Seconds a broken link waits before reconnecting. */
export const LINK_RECONNECT_DELAY_SECONDS = 1;

/** One party's vhost as the administrator reaches it. */
export interface PartyVhost {
  readonly party: string;
  readonly vhost: string;
  /** The administrator's AMQP URL of this vhost (declares the topology). */
  readonly adminUrl: string;
  /** Socket options of the administrator's connection: over AMQPS, the TLS files (#15). */
  readonly adminSocket?: AmqpSocketOptions;
  /**
   * Where a link (shovel) reaches this vhost: `amqp:///<vhost>`, the broker's own node, while
   * every party's vhost is on one broker. With a broker per party (sovereign transport) this
   * becomes the remote broker's `amqps://…` URI, and nothing else changes; several URIs for
   * the nodes of a remote cluster (the shovel picks one at each connect).
   */
  readonly linkUri: string | readonly string[];
  /**
   * The user a link from another node logs in as here (EXTERNAL: that node's link certificate's
   * DN, #15), when `linkUri` reaches this vhost over the network. The link stamps it as every
   * message's `user_id`: a broker refuses a publication whose `user_id` is not the publishing
   * user, so a `user_id` set by the sender's gateway user (checked by the sender's node) would be
   * refused here — and the link, retrying that message forever, would carry none behind it.
   */
  readonly linkUser?: string;
}

/** amqplib's socket options: over AMQPS, the CA to verify the broker with and our client certificate. */
export type AmqpSocketOptions = Record<string, unknown>;

/** The link URI of a vhost on the same broker: a direct in-node connection, no credentials. */
export function localLinkUri(vhost: string): string {
  return `amqp:///${encodeURIComponent(vhost)}`;
}

/**
 * Declares, as the broker's administrator, what party P's gateway uses in P's own vhost and may
 * not create itself: a topic exchange routed by receiving party; P's durable quorum inbox,
 * whose rejected or poison messages go to the dead-letter exchange; P's dead-letter queue; and
 * per other party Q a quorum queue `mxg.outgoing.q` where messages for Q wait for the link to
 * Q's vhost. Declaring what exists changes nothing; returns what was created or changed.
 */
export async function declareBrokerTopology(
  ctl: Rabbitmqctl,
  own: PartyVhost,
  parties: readonly string[],
): Promise<string[]> {
  const connection = await connect(own.adminUrl, own.adminSocket);
  const created: string[] = [];
  try {
    const ensure = async (
      kind: 'exchange' | 'queue',
      name: string,
      declare: (ch: Channel) => Promise<unknown>,
    ) => {
      if (!(await exists(connection, kind, name)))
        created.push(`declared ${kind} ${name} in ${own.vhost}`);
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
    const key = routingKey(own.party);
    await ensure('queue', inboxQueue(own.party), async (ch) => {
      await ch.assertQueue(inboxQueue(own.party), {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-dead-letter-exchange': BROKER_DEAD_LETTER_EXCHANGE,
          'x-dead-letter-routing-key': key,
          'x-delivery-limit': DELIVERY_LIMIT,
        },
      });
      await ch.bindQueue(inboxQueue(own.party), BROKER_EXCHANGE, key);
    });
    // Every dead letter goes to both: the queue for an operator's broker tools, the intake
    // queue for the gateway, which keeps each in its database (README "Dead letters").
    for (const queue of [deadLetterQueue(own.party), deadLetterIntakeQueue(own.party)]) {
      await ensure('queue', queue, async (ch) => {
        await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        await ch.bindQueue(queue, BROKER_DEAD_LETTER_EXCHANGE, key);
      });
    }
    for (const other of parties.filter((p) => p !== own.party)) {
      // No length bound: a message waits here while the other party's broker is unreachable,
      // and dropping it would only turn into a re-send after the receipt timeout.
      await ensure('queue', outgoingQueue(other), async (ch) => {
        await ch.assertQueue(outgoingQueue(other), {
          durable: true,
          arguments: { 'x-queue-type': 'quorum' },
        });
        await ch.bindQueue(outgoingQueue(other), BROKER_EXCHANGE, routingKey(other));
      });
    }
  } finally {
    await connection.close();
  }
  // A policy, not queue arguments: the bound can be changed on a running broker without
  // redeclaring (deleting) the queue, which arguments would need.
  const bounded = await ensurePolicy(ctl, own.vhost, {
    name: 'mxg-dead-letter-bound',
    pattern: permissionForAny([deadLetterQueue(own.party), deadLetterIntakeQueue(own.party)]),
    definition: {
      'max-length': DEAD_LETTER_BOUND.maxLength,
      'max-length-bytes': DEAD_LETTER_BOUND.maxLengthBytes,
      overflow: 'drop-head',
    },
  });
  if (bounded) created.push(`bounded ${deadLetterQueue(own.party)} in ${own.vhost}`);
  return created;
}

/**
 * The link that carries `from`'s messages for `to`: a dynamic shovel, defined in `from`'s
 * vhost, from `from`'s queue `mxg.outgoing.<to>` to `to`'s exchange with routing key `<to>`.
 * It keeps the messages' properties and headers (but for `user_id` between nodes, see
 * {@link PartyVhost.linkUser}), and acknowledges a message at the source only once the
 * destination confirmed it (`on-confirm`): a link that breaks re-sends, never drops.
 * The outgoing queue must exist first — a shovel in RabbitMQ 3.10 declares a missing source
 * queue itself, as a classic queue.
 */
export async function linkParties(
  ctl: Rabbitmqctl,
  from: PartyVhost,
  to: PartyVhost,
): Promise<string[]> {
  const name = brokerLinkName(from.party, to.party);
  const definition = {
    'src-protocol': 'amqp091',
    'src-uri': from.linkUri,
    'src-queue': outgoingQueue(to.party),
    'dest-protocol': 'amqp091',
    'dest-uri': to.linkUri,
    'dest-exchange': BROKER_EXCHANGE,
    'dest-exchange-key': routingKey(to.party),
    'ack-mode': 'on-confirm',
    'reconnect-delay': LINK_RECONNECT_DELAY_SECONDS,
    ...(to.linkUser === undefined ? {} : { 'dest-publish-properties': { user_id: to.linkUser } }),
  };
  const current = await ctl.json<{ component: string; name: string; value: unknown }[]>([
    'list_parameters',
    '-p',
    from.vhost,
  ]);
  const held = current.find((p) => p.component === 'shovel' && p.name === name);
  if (held && sameJson(parseValue(held.value), definition)) return [];
  await ctl.run(['set_parameter', '-p', from.vhost, 'shovel', name, JSON.stringify(definition)]);
  return [`${held ? 'updated' : 'created'} link ${name} (${from.vhost} → ${to.vhost})`];
}

interface Policy {
  name: string;
  pattern: string;
  definition: Record<string, unknown>;
}

/** Sets a queue policy only when it differs, and says whether it did. */
async function ensurePolicy(ctl: Rabbitmqctl, vhost: string, wanted: Policy): Promise<boolean> {
  const current = await ctl.json<
    { name: string; pattern: string; 'apply-to': string; definition: unknown }[]
  >(['list_policies', '-p', vhost]);
  const held = current.find((p) => p.name === wanted.name);
  if (
    held &&
    held.pattern === wanted.pattern &&
    held['apply-to'] === 'queues' &&
    sameJson(parseValue(held.definition), wanted.definition)
  ) {
    return false;
  }
  await ctl.run([
    'set_policy',
    '-p',
    vhost,
    '--apply-to',
    'queues',
    wanted.name,
    wanted.pattern,
    JSON.stringify(wanted.definition),
  ]);
  return true;
}

/** rabbitmqctl prints a parameter's value as JSON text or as an object, depending on version. */
function parseValue(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .sort(([x], [y]) => x.localeCompare(y))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
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
