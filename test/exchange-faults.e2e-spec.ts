import { deadLetterQueue, inboxQueue } from '@mxg/config';
import { freePort } from './support/gateway-process';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import {
  brokerConnections,
  closeBrokerConnection,
  databaseOutage,
  queueDepths,
  queueState,
  sleep,
  sql,
} from './support/faults';

/**
 * Issue 5's fault injection: crashes, broker connections closed under traffic, a receiver that
 * is down, receipts that never come, competing consumers and a database outage — each on real
 * gateway processes, the real RabbitMQ and PostgreSQL, with no mocks. Every test gets a fresh
 * pair (databases and vhost), so counts are exact.
 */

interface View {
  id: string;
  status: string;
  statusCode: string | null;
  attempts: number;
}

const submit = async (pair: ExchangePair): Promise<string> => {
  const { status, body } = await pair.kz.api<View>(
    'KZ-MVD',
    'POST',
    '/messages',
    registrationRequest(),
  );
  expect(status).toBe(202);
  return body.id;
};

const view = async (gateway: GatewayUnderTest, id: string): Promise<View> =>
  (await gateway.api<View>('KZ-MVD', 'GET', `/messages/${id}`)).body;

const statusBecomes = (gateway: GatewayUnderTest, id: string, status: string, timeoutMs = 20_000) =>
  eventually(
    async () => {
      const found = await view(gateway, id);
      return found.status === status ? found : undefined;
    },
    timeoutMs,
    `message ${id} ${status}`,
  );

/** How many outgoing messages have each status at a gateway. */
const statusCounts = async (gateway: GatewayUnderTest): Promise<Record<string, number>> =>
  Object.fromEntries(
    (
      await sql<{ status: string; n: number }>(
        gateway.db,
        `SELECT status, count(*)::int AS n FROM mxg.messages WHERE direction = 'outgoing' GROUP BY status`,
      )
    ).map((r) => [r.status, r.n]),
  );

/** Audit entries of one type per message id. */
const auditCounts = async (
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

const storedIncoming = async (gateway: GatewayUnderTest): Promise<string[]> =>
  (
    await sql<{ id: string }>(
      gateway.db,
      `SELECT id FROM mxg.messages WHERE direction = 'incoming' ORDER BY id`,
    )
  ).map((r) => r.id);

const unpublishedOutbox = async (gateway: GatewayUnderTest): Promise<number> =>
  (
    await sql<{ n: number }>(
      gateway.db,
      `SELECT count(*)::int AS n FROM mxg.outbox WHERE published_at IS NULL`,
    )
  )[0].n;

/**
 * Every accepted message stored once at AZ, verified once, delivered at KZ after `attempts`
 * publications (1: the broker path did it, no re-send was needed), outboxes and queues empty.
 */
async function expectDeliveredExactlyOnce(
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
  const verified = await auditCounts(pair.az, 'message.verified');
  expect(verified.size).toBe(ids.length);
  expect([...verified.values()].every((n) => n === 1)).toBe(true);
  const receipts = await auditCounts(pair.kz, 'receipt.received');
  expect([...receipts.keys()].sort()).toEqual([...ids].sort());
  expect([...receipts.values()].every((n) => n === 1)).toBe(true);
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
      const depths = await queueDepths(pair.broker.vhost);
      return depths[inboxQueue('AZ')].messages + depths[inboxQueue('KZ')].messages === 0
        ? true
        : undefined;
    },
    20_000,
    'inbox queues drained',
  );
  for (const party of ['AZ', 'KZ']) {
    expect(await queueState(pair.broker.adminUrl, deadLetterQueue(party))).toMatchObject({
      ready: 0,
    });
  }
}

describe('exchange under faults: real gateway processes, RabbitMQ and PostgreSQL', () => {
  describe('outbox survives a crash', () => {
    let pair: ExchangePair;
    beforeAll(async () => {
      pair = await createExchangePair({ start: { kz: false } });
    }, 90_000);
    afterAll(() => pair?.close());

    it('sends a message accepted before a SIGKILL once the gateway is back, once', async () => {
      // A closed port: KZ starts and accepts, but cannot publish — "before publishing" for sure.
      const closed = `amqp://mxg-kz:x@127.0.0.1:${await freePort()}/${pair.broker.vhost}`;
      await pair.kz.start({ AMQP_URL: closed });
      const health = await fetch(`http://127.0.0.1:${pair.kz.port}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ details: { broker: { status: 'down' } } });

      const id = await submit(pair);
      await sleep(1000); // the relay has had time to try
      expect(
        await sql(
          pair.kz.db,
          `SELECT kind, published_at, attempts FROM mxg.outbox WHERE message_id = $1`,
          [id],
        ),
      ).toEqual([{ kind: 'envelope', published_at: null, attempts: 0 }]);
      expect((await view(pair.kz, id)).status).toBe('accepted');

      await pair.kz.stop('SIGKILL');
      expect(pair.kz.process.child.signalCode).toBe('SIGKILL');
      expect(await storedIncoming(pair.az)).toEqual([]);

      await pair.kz.start();
      const delivered = await statusBecomes(pair.kz, id, 'delivered');
      expect(delivered.attempts).toBe(1);
      await expectDeliveredExactlyOnce(pair, [id]);
      expect((await auditCounts(pair.az, 'message.received', 'DUPLICATE_MESSAGE')).size).toBe(0);
    });
  });

  describe('broker connections closed under traffic', () => {
    const N = 200;
    const PARALLEL = 4;
    const ROUNDS = 3;
    let pair: ExchangePair;
    beforeAll(async () => {
      pair = await createExchangePair();
    }, 90_000);
    afterAll(() => pair?.close());

    it('loses and duplicates nothing while the broker closes both gateways’ connections', async () => {
      const vhost = pair.broker.vhost;
      const ids: string[] = [];
      const closedAt: number[] = [];
      const closed = new Set<string>();
      let chaosOver = false;
      // A steady stream (≈ 25/s) that lasts until every round is over and N are in.
      const submitting = Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (!chaosOver || ids.length < N) {
            ids.push(await submit(pair));
            await sleep(150);
          }
        }),
      );
      try {
        for (let round = 1; round <= ROUNDS; round++) {
          await eventually(
            () => Promise.resolve(ids.length >= (round * N) / (ROUNDS + 1) || undefined),
            30_000,
            `${(round * N) / (ROUNDS + 1)} submitted`,
          );
          // Both gateways are back on the broker on new connections before each round (a busy
          // gateway may take a moment to answer the broker's close, so its old one still shows).
          const connections = await eventually(
            async () => {
              const open = (await brokerConnections(vhost)).filter((c) => !closed.has(c.pid));
              return open.length === 2 && new Set(open.map((c) => c.user)).size === 2
                ? open
                : undefined;
            },
            20_000,
            'both gateways reconnected',
          );
          connections.forEach((c) => closed.add(c.pid));
          await Promise.all(
            connections.map((c) => closeBrokerConnection(c.pid, `fault injection ${round}`)),
          );
          closedAt.push(ids.length);
        }
      } finally {
        chaosOver = true;
        await submitting.catch(() => undefined); // no request outlives the test
      }
      await submitting;
      expect(closedAt).toHaveLength(ROUNDS);
      expect(ids.length).toBeGreaterThan(closedAt[ROUNDS - 1]); // traffic went on after the last
      expect(new Set(ids).size).toBe(ids.length);

      await expectDeliveredExactlyOnce(pair, ids);
      for (const gateway of [pair.kz, pair.az]) {
        const reconnects = gateway.process.output().match(/broker unavailable/g) ?? [];
        expect(reconnects.length).toBeGreaterThanOrEqual(ROUNDS);
      }
    }, 120_000);
  });

  describe('receiver down', () => {
    let pair: ExchangePair;
    beforeAll(async () => {
      pair = await createExchangePair({ start: { az: false } });
    }, 90_000);
    afterAll(() => pair?.close());

    it('publishes to the quorum queue while AZ is down and delivers when it starts', async () => {
      const id = await submit(pair);
      await statusBecomes(pair.kz, id, 'published');
      expect(await queueState(pair.broker.adminUrl, inboxQueue('AZ'))).toEqual({
        ready: 1,
        consumers: 0,
      });

      await pair.az.start();
      await statusBecomes(pair.kz, id, 'delivered');
      await expectDeliveredExactlyOnce(pair, [id]);
    });
  });

  describe('no receipt', () => {
    let pair: ExchangePair;
    beforeAll(async () => {
      pair = await createExchangePair({
        exchange: { receiptTimeoutSeconds: 1, maxAttempts: 3 },
        start: { az: false },
      });
    }, 90_000);
    afterAll(() => pair?.close());

    it('re-sends with backoff, fails with NO_RECEIPT, and AZ later stores the message once', async () => {
      const id = await submit(pair);
      const failed = await statusBecomes(pair.kz, id, 'failed', 30_000);
      expect(failed).toMatchObject({ statusCode: 'NO_RECEIPT', attempts: 3 });

      const retried = await sql<{ outcome: string; error_code: string | null; details: object }>(
        pair.kz.db,
        `SELECT outcome, error_code, details FROM mxg.audit_entries
          WHERE message_id = $1 AND event_type = 'message.retried' ORDER BY id`,
        [id],
      );
      expect(retried).toEqual([
        { outcome: 'success', error_code: null, details: { attempt: 2 } },
        { outcome: 'success', error_code: null, details: { attempt: 3 } },
        { outcome: 'failure', error_code: 'NO_RECEIPT', details: { attempts: 3 } },
      ]);
      const published = await sql<{ details: { attempt: number } }>(
        pair.kz.db,
        `SELECT details FROM mxg.audit_entries
          WHERE message_id = $1 AND event_type = 'message.published' ORDER BY id`,
        [id],
      );
      expect(published.map((p) => p.details.attempt)).toEqual([1, 2, 3]);
      // Doubling waits (1 s, 2 s, 4 s): the failure comes no sooner than 7 s after the first.
      const [span] = await sql<{ ms: number }>(
        pair.kz.db,
        `SELECT extract(epoch FROM max(recorded_at) - min(recorded_at)) * 1000 AS ms
           FROM mxg.audit_entries WHERE message_id = $1
            AND (event_type = 'message.published' OR error_code = 'NO_RECEIPT')`,
        [id],
      );
      expect(Number(span.ms)).toBeGreaterThanOrEqual(7000);
      expect(await queueState(pair.broker.adminUrl, inboxQueue('AZ'))).toEqual({
        ready: 3,
        consumers: 0,
      });

      await pair.az.start();
      const duplicates = await eventually(
        async () => {
          const found = await auditCounts(pair.az, 'message.received', 'DUPLICATE_MESSAGE');
          return found.get(id) === 2 ? found : undefined;
        },
        20_000,
        'two duplicates audited',
      );
      expect([...duplicates.keys()]).toEqual([id]);
      // A late receipt still proves delivery: the message moves from failed to delivered.
      await statusBecomes(pair.kz, id, 'delivered');
      await expectDeliveredExactlyOnce(pair, [id], 3);
      expect(
        (await pair.az.api<{ messages: View[] }>('AZ-DMX', 'GET', '/inbox')).body.messages.map(
          (m) => m.id,
        ),
      ).toEqual([id]);
    });
  });

  describe('competing consumers', () => {
    const N = 60;
    let pair: ExchangePair;
    beforeAll(async () => {
      pair = await createExchangePair();
    }, 90_000);
    afterAll(() => pair?.close());

    it('stores each message once with two AZ processes on one queue, even when one is killed', async () => {
      const second = await pair.az.spawnInstance();
      await eventually(
        async () =>
          (await queueState(pair.broker.adminUrl, inboxQueue('AZ'))).consumers === 2
            ? true
            : undefined,
        10_000,
        'two consumers on the AZ inbox',
      );

      const ids: string[] = [];
      const burst = async (count: number) => {
        for (let i = 0; i < count; i += 6) {
          ids.push(
            ...(await Promise.all(
              Array.from({ length: Math.min(6, count - i) }, () => submit(pair)),
            )),
          );
        }
      };
      await burst(N / 2);
      await eventually(
        async () => ((await storedIncoming(pair.az)).length >= N / 4 ? true : undefined),
        20_000,
        'AZ receiving',
      );
      // One instance dies mid-stream; its unacknowledged deliveries go to the other.
      await pair.az.stop('SIGKILL');
      await burst(N / 2);

      await expectDeliveredExactlyOnce(pair, ids);
      expect(second.child.exitCode).toBeNull();
    }, 90_000);
  });

  describe('database outage at the receiver', () => {
    let pair: ExchangePair;
    beforeAll(async () => {
      pair = await createExchangePair();
    }, 90_000);
    afterAll(() => pair?.close());

    it('holds and retries the delivery while AZ’s database is away, and stores it once when it is back', async () => {
      const restore = await databaseOutage(pair.az.db);
      let id: string;
      try {
        id = await submit(pair);
        await statusBecomes(pair.kz, id, 'published');
        await eventually(
          () => {
            const requeued = pair.az.process.output().split(`delivery ${id} not processed`);
            return Promise.resolve(requeued.length > 2 || undefined);
          },
          15_000,
          'the delivery retried twice',
        );
        expect(await storedIncoming(pair.az)).toEqual([]);
        // Retried in place, not dead-lettered: still on the inbox queue (held by the consumer).
        expect(await queueState(pair.broker.adminUrl, deadLetterQueue('AZ'))).toEqual({
          ready: 0,
          consumers: 0,
        });
      } finally {
        await restore();
      }
      await statusBecomes(pair.kz, id, 'delivered', 20_000);
      await expectDeliveredExactlyOnce(pair, [id]);
      expect(pair.az.process.child.exitCode).toBeNull();
    }, 60_000);
  });
});
