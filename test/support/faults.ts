import { connect } from 'amqplib';
import { Client } from 'pg';
import { MxgConfigService } from '@mxg/config';
import { Rabbitmqctl } from '../../apps/cli/src/services/rabbitmqctl';
import { TEST_ROLES, type TestDatabase } from './test-database';

/** Fault injection on the real services, confined to one test's vhost or database. */

let ctl: Rabbitmqctl | undefined;
function rabbitmqctl(): Rabbitmqctl {
  ctl ??= new Rabbitmqctl(MxgConfigService.load().env.MXG_RABBITMQCTL);
  return ctl;
}

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
  pid: string;
  user: string;
  name: string;
}

/**
 * The AMQP network connections open on `vhost`, as the broker lists them — the gateways', not
 * the links' (a shovel between vhosts of one broker connects directly, inside the node). Read as a table, not JSON: the
 * JSON formatter prints pids as `#PID<…>`, which `close_connection` does not accept.
 */
export async function brokerConnections(vhost: string): Promise<BrokerConnectionInfo[]> {
  const table = await rabbitmqctl().run([
    'list_connections',
    '--no-table-headers',
    'pid',
    'vhost',
    'user',
    'name',
  ]);
  return table
    .split('\n')
    .filter((line) => line.startsWith('<'))
    .map((line) => line.split('\t'))
    .filter(([, v]) => v === vhost)
    .map(([pid, , user, name]) => ({ pid, user, name }));
}

/** Has the broker close a connection, as an operator (or a broker restart) would. */
export async function closeBrokerConnection(pid: string, reason: string): Promise<void> {
  await rabbitmqctl().run(['close_connection', pid, reason]);
}

/**
 * A queue's ready messages and consumers, from a passive declare: exact at once, where
 * `list_queues` figures for quorum queues lag by the statistics interval.
 */
export async function queueState(
  adminUrl: string,
  queue: string,
): Promise<{ ready: number; consumers: number }> {
  const connection = await connect(adminUrl);
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

/** Message counts per queue on `vhost` (ready + unacknowledged in `messages`). */
export async function queueDepths(vhost: string): Promise<Record<string, QueueDepth>> {
  const queues = await rabbitmqctl().json<QueueDepth[]>([
    'list_queues',
    '-p',
    vhost,
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
 * The messages waiting on a queue — their AMQP message ids and headers — read and put back, so
 * a test can see what was dead-lettered and why (`x-mxg-error-code`).
 */
export async function peekQueue(adminUrl: string, queue: string): Promise<QueuedMessage[]> {
  const connection = await connect(adminUrl);
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
