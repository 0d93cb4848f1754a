/**
 * Names on the RabbitMQ broker, shared by provisioning (which grants each gateway's user exactly
 * these) and routing. Routing keys and names carry party codes only — never personal data.
 *
 * Each party has a vhost of its own holding the same names; parties' vhosts are linked by
 * shovels (see apps/cli/src/services/broker-topology.ts and README "The broker").
 */
export const BROKER_EXCHANGE = 'mxg.messages';
export const BROKER_DEAD_LETTER_EXCHANGE = 'mxg.dead-letter';

/** A party's routing key on both exchanges: its code in lower case. */
export function routingKey(partyCode: string): string {
  return partyCode.toLowerCase();
}

export function inboxQueue(partyCode: string): string {
  return `mxg.inbox.${routingKey(partyCode)}`;
}

export function deadLetterQueue(partyCode: string): string {
  return `mxg.dead-letter.${routingKey(partyCode)}`;
}

/**
 * The gateway's own copy of each of its dead letters, bound beside `deadLetterQueue` to the
 * dead-letter exchange: the gateway takes them into its `dead_letters` table (list, replay,
 * discard; README "Dead letters"), while the dead-letter queue stays for an operator's broker tools.
 */
export function deadLetterIntakeQueue(partyCode: string): string {
  return `mxg.dead-letter-intake.${routingKey(partyCode)}`;
}

/**
 * How much a party keeps of its dead letters — each dead-letter queue, and the gateway's
 * `dead_letters` table: the oldest are dropped beyond it. Refused envelopes are audited by the
 * gateway that refused them; a flood of garbage must not fill the broker's disk (RabbitMQ
 * blocks every publisher then) nor the database.
 */
export const DEAD_LETTER_BOUND = { maxLength: 100_000, maxLengthBytes: 512 * 1024 * 1024 };

/** The default exchange as RabbitMQ permissions name it: a replay goes to the own inbox by it. */
export const BROKER_DEFAULT_EXCHANGE = 'amq.default';

/** In the sending party's vhost: what waits for the link to the receiving party `partyCode`. */
export function outgoingQueue(partyCode: string): string {
  return `mxg.outgoing.${routingKey(partyCode)}`;
}

/** A party's vhost, e.g. `mxg-kz` for prefix `mxg` (test runs use `mxg-test-<hex>`). */
export function partyVhost(prefix: string, partyCode: string): string {
  return `${prefix}-${routingKey(partyCode)}`;
}

/** The shovel that carries `from`'s messages for `to` into `to`'s vhost (defined on `from`'s). */
export function brokerLinkName(from: string, to: string): string {
  return `mxg-link-${routingKey(from)}-to-${routingKey(to)}`;
}

/** Regular expressions as RabbitMQ permissions take them. */
export function escapeForPermission(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}$`;
}

/** One regular expression matching exactly these names, or nothing at all when there are none. */
export function permissionForAny(names: readonly string[]): string {
  if (names.length === 0) return '^$';
  return `^(${names.map((n) => escapeForPermission(n).slice(1, -1)).join('|')})$`;
}
