import { Client } from 'pg';
import { TEST_ROLES, type TestDatabase } from './test-database';
import type { TestBroker } from './test-broker';

/** Fault injection on the real services, confined to one test's vhosts or database. */

/** Runs one statement on a test database as its owner (the application role may be locked out). */
export async function sql<T>(db: TestDatabase, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    return (await client.query<T & Record<string, unknown>>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export interface BrokerConnectionInfo {
  /** The party whose node and vhost it is on. */
  party: string;
  pid: string;
  user: string;
  name: string;
}

/**
 * The AMQP connections of `party`'s own user to its vhost, as its node lists them: its
 * gateway's. Not the links: those into the vhost log in as the peer nodes' link users (#15),
 * those between two vhosts of one node connect inside it. Read as a table, not JSON: the JSON
 * formatter prints pids as `#PID<…>`, which `close_connection` does not accept.
 */
export async function brokerConnections(
  broker: TestBroker,
  party: string,
): Promise<BrokerConnectionInfo[]> {
  const table = await broker
    .ctl(party)
    .run(['list_connections', '--no-table-headers', 'pid', 'vhost', 'user', 'name']);
  return table
    .split('\n')
    .filter((line) => line.startsWith('<'))
    .map((line) => line.split('\t'))
    .filter(([, vhost, user]) => vhost === broker.vhost(party) && user === broker.user(party))
    .map(([pid, , user, name]) => ({ party, pid, user, name }));
}

/** Has the party's node close a connection, as an operator (or a broker restart) would. */
export async function closeBrokerConnection(
  broker: TestBroker,
  connection: BrokerConnectionInfo,
  reason: string,
): Promise<void> {
  await broker.ctl(connection.party).run(['close_connection', connection.pid, reason]);
}

/**
 * A queue's ready messages and consumers in `party`'s vhost, from a passive declare by the
 * node's administrator: exact at once, where `list_queues` figures for quorum queues lag by the
 * statistics interval.
 */
export async function queueState(
  broker: TestBroker,
  party: string,
  queue: string,
): Promise<{ ready: number; consumers: number }> {
  const connection = await broker.connectAdmin(party);
  try {
    const channel = await connection.createChannel();
    const { messageCount, consumerCount } = await channel.checkQueue(queue);
    await channel.close();
    return { ready: messageCount, consumers: consumerCount };
  } finally {
    await connection.close();
  }
}

export interface QueueDepth {
  name: string;
  messages: number;
  messages_unacknowledged: number;
  consumers: number;
}

/** Message counts per queue in `party`'s vhost (ready + unacknowledged in `messages`). */
export async function queueDepths(
  broker: TestBroker,
  party: string,
): Promise<Record<string, QueueDepth>> {
  const queues = await broker
    .ctl(party)
    .json<QueueDepth[]>([
      'list_queues',
      '-p',
      broker.vhost(party),
      'name',
      'messages',
      'messages_unacknowledged',
      'consumers',
    ]);
  return Object.fromEntries(queues.map((q) => [q.name, q]));
}

/**
 * Locks the application role out of one test database and ends its sessions there: to the
 * gateway this is a database outage (other test databases are untouched). Returns the way back.
 */
export async function databaseOutage(db: TestDatabase): Promise<() => Promise<void>> {
  const admin = async (text: string) => {
    const client = new Client({ connectionString: db.adminUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`REVOKE CONNECT ON DATABASE "${db.name}" FROM "${TEST_ROLES.app}"`);
  await admin(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = '${db.name}' AND usename = '${TEST_ROLES.app}'`,
  );
  return () => admin(`GRANT CONNECT ON DATABASE "${db.name}" TO "${TEST_ROLES.app}"`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface QueuedMessage {
  messageId: string | undefined;
  headers: Record<string, unknown>;
}

/**
 * The messages waiting on a queue of `party`'s vhost — their AMQP message ids and headers — read and put back, so
 * a test can see what was dead-lettered and why (`x-mxg-error-code`).
 */
export async function peekQueue(
  broker: TestBroker,
  party: string,
  queue: string,
): Promise<QueuedMessage[]> {
  const connection = await broker.connectAdmin(party);
  try {
    const channel = await connection.createChannel();
    const seen: QueuedMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: false });
      if (message === false) break;
      seen.push({
        messageId: message.properties.messageId,
        headers: message.properties.headers ?? {},
      });
    }
    channel.nackAll(true);
    // Closed before the connection: closing the connection first can lose the requeue.
    await channel.close();
    return seen;
  } finally {
    await connection.close();
  }
}
