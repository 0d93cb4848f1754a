import { deadLetterQueue, inboxQueue, outgoingQueue } from '@mxg/config';
import {
  eventually,
  registrationRequest,
  type ExchangePair,
  type GatewayUnderTest,
} from './exchange-pair';
import { queueDepths, queueState, sql } from './faults';

/**
 * What the exchange and fault tests read back from two real gateways: their APIs, their
 * databases (as the owner) and the broker. Counts are exact because every test file gets a
 * fresh pair.
 */

export interface View {
  id: string;
  status: string;
  statusCode: string | null;
  attempts: number;
}

/** Submits a MIG-5 request at KZ as KZ-MVD; the message is accepted (202) when this returns. */
export const submit = async (pair: ExchangePair): Promise<string> => {
  const { status, body } = await pair.kz.api<View>(
    'KZ-MVD',
    'POST',
    '/v1/messages',
    registrationRequest(),
  );
  expect(status).toBe(202);
  return body.id;
};

/**
 * Submits `size` messages, `parallel` at a time, and returns their ids once every one is
 * accepted: a fault test takes its next step only after a whole batch, never racing it.
 */
export async function acceptBatch(
  pair: ExchangePair,
  size: number,
  parallel = 4,
): Promise<string[]> {
  const batch: string[] = [];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = 0; i < size / parallel; i++) batch.push(await submit(pair));
    }),
  );
  return batch;
}

export const view = async (gateway: GatewayUnderTest, id: string): Promise<View> =>
  (await gateway.api<View>('KZ-MVD', 'GET', `/v1/messages/${id}`)).body;

export const statusBecomes = (
  gateway: GatewayUnderTest,
  id: string,
  status: string,
  timeoutMs = 20_000,
) =>
  eventually(
    async () => {
      const found = await view(gateway, id);
      return found.status === status ? found : undefined;
    },
    timeoutMs,
    `message ${id} ${status}`,
  );

/** How many outgoing messages have each status at a gateway. */
export const statusCounts = async (gateway: GatewayUnderTest): Promise<Record<string, number>> =>
  Object.fromEntries(
    (
      await sql<{ status: string; n: number }>(
        gateway.db,
        `SELECT status, count(*)::int AS n FROM mxg.messages WHERE direction = 'outgoing' GROUP BY status`,
      )
    ).map((r) => [r.status, r.n]),
  );

/** Audit entries of one type per message id. */
export const auditCounts = async (
  gateway: GatewayUnderTest,
  type: string,
  errorCode: string | null = null,
): Promise<Map<string, number>> =>
  new Map(
    (
      await sql<{ message_id: string; n: number }>(
        gateway.db,
        `SELECT message_id, count(*)::int AS n FROM mxg.audit_entries
          WHERE event_type = $1 AND error_code IS NOT DISTINCT FROM $2 GROUP BY message_id`,
        [type, errorCode],
      )
    ).map((r) => [r.message_id, r.n]),
  );

/**
 * Envelopes a gateway refused, by error code (`message.rejected` entries): `{}` when it refused
 * none. Read before other assertions, it says why a test failed.
 */
export const refusals = async (gateway: GatewayUnderTest): Promise<Record<string, number>> =>
  Object.fromEntries(
    (
      await sql<{ error_code: string; n: number }>(
        gateway.db,
        `SELECT error_code, count(*)::int AS n FROM mxg.audit_entries
          WHERE event_type = 'message.rejected' GROUP BY error_code`,
      )
    ).map((r) => [r.error_code, r.n]),
  );

export const storedIncoming = async (gateway: GatewayUnderTest): Promise<string[]> =>
  (
    await sql<{ id: string }>(
      gateway.db,
      `SELECT id FROM mxg.messages WHERE direction = 'incoming' ORDER BY id`,
    )
  ).map((r) => r.id);

export const unpublishedOutbox = async (gateway: GatewayUnderTest): Promise<number> =>
  (
    await sql<{ n: number }>(
      gateway.db,
      `SELECT count(*)::int AS n FROM mxg.outbox WHERE published_at IS NULL`,
    )
  )[0].n;

/** Both outboxes published; every inbox and outgoing queue of every party's vhost empty. */
export async function expectQuiet(pair: ExchangePair): Promise<void> {
  await eventually(
    async () =>
      (await unpublishedOutbox(pair.kz)) + (await unpublishedOutbox(pair.az)) === 0
        ? true
        : undefined,
    20_000,
    'both outboxes empty',
  );
  await eventually(
    async () => {
      let waiting = 0;
      for (const party of pair.broker.parties) {
        const depths = await queueDepths(pair.broker, party);
        for (const queue of [inboxQueue(party), ...otherParties(pair, party).map(outgoingQueue)]) {
          waiting += depths[queue].messages;
        }
      }
      return waiting === 0 ? true : undefined;
    },
    20_000,
    'inbox and outgoing queues drained',
  );
}

/**
 * A party's queue once it holds `ready` messages (and what its consumers are then): a message
 * confirmed in the sender's vhost may still be on the link to the receiver's.
 */
export const queueReaches = (
  pair: ExchangePair,
  party: string,
  queue: string,
  ready: number,
  timeoutMs = 10_000,
) =>
  eventually(
    async () => {
      const state = await queueState(pair.broker, party, queue);
      return state.ready === ready ? state : undefined;
    },
    timeoutMs,
    `${ready} messages ready on ${queue} of ${party}`,
  );

const otherParties = (pair: ExchangePair, party: string) =>
  pair.broker.parties.filter((p) => p !== party);

/** Nothing was refused on either side: both dead-letter queues are empty. */
export async function expectNoDeadLetters(pair: ExchangePair): Promise<void> {
  for (const party of pair.broker.parties) {
    expect(await queueState(pair.broker, party, deadLetterQueue(party))).toMatchObject({
      ready: 0,
    });
  }
}

/**
 * Every accepted message stored once at AZ, verified once, delivered at KZ after `attempts`
 * publications (1: the broker path did it, no re-send was needed), outboxes and queues empty.
 */
export async function expectDeliveredExactlyOnce(
  pair: ExchangePair,
  ids: readonly string[],
  attempts = 1,
) {
  await eventually(
    async () => ((await statusCounts(pair.kz)).delivered === ids.length ? true : undefined),
    60_000,
    `${ids.length} messages delivered`,
  );
  expect(await statusCounts(pair.kz)).toEqual({ delivered: ids.length });
  expect(
    await sql(
      pair.kz.db,
      `SELECT DISTINCT attempts FROM mxg.messages WHERE direction = 'outgoing'`,
    ),
  ).toEqual([{ attempts }]);
  expect(await storedIncoming(pair.az)).toEqual([...ids].sort());
  const verified = await auditCounts(pair.az, 'message.received');
  expect(verified.size).toBe(ids.length);
  expect([...verified.values()].every((n) => n === 1)).toBe(true);
  const receipts = await auditCounts(pair.kz, 'receipt.received');
  expect([...receipts.keys()].sort()).toEqual([...ids].sort());
  expect([...receipts.values()].every((n) => n === 1)).toBe(true);
  await expectQuiet(pair);
  await expectNoDeadLetters(pair);
}
