import { deadLetterQueue, inboxQueue } from '@mxg/config';
import { freePort } from './support/gateway-process';
import {
  createExchangePair,
  eventually,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import {
  queueReaches,
  auditCounts,
  expectNoDeadLetters,
  expectQuiet,
  refusals,
  statusBecomes,
  statusCounts,
  storedIncoming,
  submit,
  unpublishedOutbox,
  view,
  type View,
} from './support/exchange-checks';
import { peekQueue, sql } from './support/faults';

/**
 * Issue #10 finding 6: a gateway stopped for an hour loses nothing. Time spent in a queue is not
 * clock skew — an envelope is refused only once it is older than the delivery window
 * (`exchange.maxEnvelopeAgeSeconds`, a day by default) or sealed further ahead than the clock
 * skew — and the sender reports `failed` only once no copy can be accepted any more.
 *
 * The hour passes on the gateways' clocks (OffsetClock: each process re-reads its offset file),
 * in steps; at each step the test waits until KZ has done everything due by its clock (re-sends
 * published, nothing overdue) before moving on, so the order of events never depends on speed.
 */

const MINUTE = 60_000;
/** Starting two gateways with fresh databases; generous, for a machine shared with other work. */
const PAIR_START_MS = 180_000;

/**
 * Sets gateways' clocks to `origin + ms` (the time a test treats as its start, plus `ms`): an
 * absolute time, so a slow step does not drift the schedule. Returns the offset set.
 */
function clocksAt(
  origin: number,
  ms: number,
  gateways: readonly GatewayUnderTest[],
): { offsetMs: number } {
  const offsetMs = origin + ms - Date.now();
  for (const gateway of gateways) gateway.setClockOffset(offsetMs);
  return { offsetMs };
}

/** KZ has done all that is due by its clock: every message published, no receipt overdue. */
async function caughtUp(kz: GatewayUnderTest, { offsetMs }: { offsetMs: number }): Promise<void> {
  await eventually(
    async () => {
      const [row] = await sql<{ due: number }>(
        kz.db,
        `SELECT count(*)::int AS due FROM mxg.messages
          WHERE direction = 'outgoing'
            AND (status = 'accepted'
              OR (status = 'published' AND (receipt_due_at IS NULL
                  OR receipt_due_at <= now() + make_interval(secs => $1::float8))))`,
        [offsetMs / 1000],
      );
      return row.due === 0 && (await unpublishedOutbox(kz)) === 0 ? true : undefined;
    },
    30_000,
    'KZ caught up with its clock',
  );
}

/** Envelopes a gateway has worked through: stored, recognised as duplicates, or refused. */
async function handledEnvelopes(gateway: GatewayUnderTest): Promise<number> {
  const [row] = await sql<{ n: number }>(
    gateway.db,
    `SELECT count(*)::int AS n FROM mxg.audit_entries
      WHERE event_type IN ('message.received', 'message.rejected')`,
  );
  return row.n;
}

const outgoing = (kz: GatewayUnderTest) =>
  sql<{ id: string; status: string; attempts: number }>(
    kz.db,
    `SELECT id, status, attempts FROM mxg.messages WHERE direction = 'outgoing' ORDER BY id`,
  );

describe('#10.6 a gateway stopped for an hour loses nothing: queued time is not clock skew', () => {
  describe('the receiver stopped for an hour under traffic', () => {
    let pair: ExchangePair;
    beforeAll(async () => {
      pair = await createExchangePair({ start: { az: false } });
    }, PAIR_START_MS);
    afterAll(() => pair?.close());

    it('#10.6 delivers every message sent while AZ was stopped for 60 minutes, once each, when it returns', async () => {
      const origin = Date.now();
      const first = await Promise.all(Array.from({ length: 4 }, () => submit(pair)));
      for (const id of first) await statusBecomes(pair.kz, id, 'published');
      const ids = [...first];
      // The hour in five-minute steps, on both clocks: KZ re-sends what falls due at each step,
      // and its national system submits another message every quarter of an hour.
      for (let minute = 5; minute <= 60; minute += 5) {
        const clock = clocksAt(origin, minute * MINUTE, [pair.kz, pair.az]);
        if (minute % 15 === 0 && minute < 60) ids.push(await submit(pair));
        await caughtUp(pair.kz, clock);
      }
      const beforeReturn = await outgoing(pair.kz);
      const copies = beforeReturn.reduce((sum, m) => sum + m.attempts, 0);
      expect(await queueReaches(pair, 'AZ', inboxQueue('AZ'), copies)).toEqual({
        ready: copies,
        consumers: 0,
      });

      await pair.az.start(); // its clock an hour on, like KZ's
      await eventually(
        async () => ((await handledEnvelopes(pair.az)) === copies ? true : undefined),
        60_000,
        `AZ handled all ${copies} copies`,
      );
      // Today's main dead-letters them here as SIGNING_TIME_OUT_OF_RANGE.
      expect(await refusals(pair.az)).toEqual({});
      expect(await storedIncoming(pair.az)).toEqual([...ids].sort());
      const verified = await auditCounts(pair.az, 'message.received');
      expect(ids.map((id) => verified.get(id))).toEqual(ids.map(() => 1));
      const duplicates = await auditCounts(pair.az, 'message.received', 'DUPLICATE_MESSAGE');
      expect(beforeReturn.map((m) => duplicates.get(m.id) ?? 0)).toEqual(
        beforeReturn.map((m) => m.attempts - 1),
      );
      const inbox = await pair.az.api<{ messages: View[] }>('AZ-DMX', 'GET', '/v1/inbox');
      expect(inbox.body.messages.map((m) => m.id).sort()).toEqual([...ids].sort());

      await eventually(
        async () => ((await statusCounts(pair.kz)).delivered === ids.length ? true : undefined),
        30_000,
        `${ids.length} messages delivered at KZ`,
      );
      expect(await statusCounts(pair.kz)).toEqual({ delivered: ids.length });
      const receipts = await auditCounts(pair.kz, 'receipt.received');
      expect(ids.map((id) => receipts.get(id))).toEqual(ids.map(() => 1));
      expect(
        await sql(
          pair.kz.db,
          `SELECT DISTINCT status, code FROM mxg.receipts WHERE direction = 'received'`,
        ),
      ).toEqual([{ status: 'accepted', code: null }]);
      await expectQuiet(pair);
      await expectNoDeadLetters(pair);

      // Never reported failed while it could still be delivered: before AZ came back, every
      // message was `published` — the first four after all six publications (the last at
      // 30 minutes), still waiting, not `failed` (NO_RECEIPT) as on today's main.
      expect(beforeReturn.map((m) => m.status)).toEqual(ids.map(() => 'published'));
      expect(beforeReturn.filter((m) => first.includes(m.id)).map((m) => m.attempts)).toEqual([
        6, 6, 6, 6,
      ]);
    }, 240_000);
  });

  describe('the sender stopped for an hour while receipts wait for it', () => {
    let pair: ExchangePair;
    beforeAll(async () => {
      pair = await createExchangePair({ start: { az: false } });
    }, PAIR_START_MS);
    afterAll(() => pair?.close());

    it('#10.6 takes the receipts that waited an hour, and AZ answers a re-send sealed an hour ago with the receipt it stored then', async () => {
      const origin = Date.now();
      const ids = await Promise.all(Array.from({ length: 3 }, () => submit(pair)));
      for (const id of ids) await statusBecomes(pair.kz, id, 'published');
      await pair.kz.stop();

      await pair.az.start();
      await eventually(
        async () =>
          (await storedIncoming(pair.az)).length === ids.length &&
          (await unpublishedOutbox(pair.az)) === 0
            ? true
            : undefined,
        30_000,
        'AZ stored the messages and published its receipts',
      );
      // The receipts published by AZ may still be on the link to KZ's vhost.
      expect(await queueReaches(pair, 'KZ', inboxQueue('KZ'), ids.length)).toEqual({
        ready: ids.length,
        consumers: 0,
      });
      clocksAt(origin, 60 * MINUTE, [pair.kz, pair.az]);

      // KZ comes back without its broker first: it finds every receipt an hour overdue and
      // queues a re-send of the same envelope before it can read the receipts waiting for it.
      const closed = `amqp://mxg-kz:x@127.0.0.1:${await freePort()}/${pair.broker.vhost('KZ')}`;
      await pair.kz.start({ AMQP_URL: closed });
      await eventually(
        async () => {
          const retried = await auditCounts(pair.kz, 'message.retried');
          return ids.every((id) => retried.get(id) === 1) ? true : undefined;
        },
        30_000,
        'a re-send queued for each message',
      );
      expect(await statusCounts(pair.kz)).toEqual({ published: ids.length });
      await pair.kz.stop();
      await pair.kz.start();

      await eventually(
        async () => ((await statusCounts(pair.kz)).delivered === ids.length ? true : undefined),
        30_000,
        `${ids.length} messages delivered at KZ`,
      );
      await eventually(
        async () => ((await handledEnvelopes(pair.az)) === 2 * ids.length ? true : undefined),
        30_000,
        'AZ handled the re-sent copies',
      );
      // Today's main dead-letters the re-sent copies here as SIGNING_TIME_OUT_OF_RANGE.
      expect(await refusals(pair.az)).toEqual({});
      const duplicates = await auditCounts(pair.az, 'message.received', 'DUPLICATE_MESSAGE');
      expect(ids.map((id) => duplicates.get(id))).toEqual(ids.map(() => 1));
      await expectQuiet(pair);
      // The duplicate was answered with the very receipt signed an hour before: each published
      // row dropped its payload only because it was the receipt `receipts` holds (#10.9).
      expect(
        await sql(
          pair.az.db,
          `SELECT count(*)::int AS sent, count(payload)::int AS kept
             FROM mxg.outbox WHERE kind = 'receipt' GROUP BY message_id`,
        ),
      ).toEqual(ids.map(() => ({ sent: 2, kept: 0 })));
      expect(await outgoing(pair.kz)).toEqual(
        [...ids].sort().map((id) => ({ id, status: 'delivered', attempts: 2 })),
      );
      const receipts = await auditCounts(pair.kz, 'receipt.received');
      expect(ids.map((id) => receipts.get(id))).toEqual(ids.map(() => 1));
      expect(await storedIncoming(pair.az)).toEqual([...ids].sort());
      await expectNoDeadLetters(pair);
    }, 240_000);
  });

  describe('beyond the delivery window', () => {
    const WINDOW_S = 2 * 3600;
    let pair: ExchangePair;
    let origin: number;
    beforeAll(async () => {
      pair = await createExchangePair({
        exchange: { maxEnvelopeAgeSeconds: WINDOW_S },
        start: { az: false },
      });
      origin = Date.now();
    }, PAIR_START_MS);
    afterAll(() => pair?.close());

    it('#10.6 reports failed only once no copy can be accepted, and AZ refuses the copies as ENVELOPE_TOO_OLD', async () => {
      const id = await submit(pair);
      await statusBecomes(pair.kz, id, 'published');
      for (const minute of [5, 10, 15, 20, 30, 40, 50, 60, 90, 120, 124]) {
        await caughtUp(pair.kz, clocksAt(origin, minute * MINUTE, [pair.kz, pair.az]));
      }
      // Deliverable until sealed + window + clock skew + receipt timeout: 2 h 5 min 30 s.
      expect(await view(pair.kz, id)).toMatchObject({ status: 'published', attempts: 6 });
      clocksAt(origin, 126 * MINUTE, [pair.kz, pair.az]);
      expect(await statusBecomes(pair.kz, id, 'failed')).toMatchObject({
        statusCode: 'NO_RECEIPT',
        attempts: 6,
      });
      const [{ recorded_at: sealedAt }] = await sql<{ recorded_at: Date }>(
        pair.kz.db,
        `SELECT recorded_at FROM mxg.messages WHERE id = $1`,
        [id],
      );
      expect(
        await sql(
          pair.kz.db,
          `SELECT details FROM mxg.audit_entries
            WHERE message_id = $1 AND event_type = 'message.retried' AND outcome = 'failure'`,
          [id],
        ),
      ).toEqual([
        {
          details: {
            attempts: 6,
            deliverableUntil: new Date(sealedAt.getTime() + (WINDOW_S + 330) * 1000).toISOString(),
          },
        },
      ]);

      await pair.az.start(); // past the window, by the same clock as KZ's
      await eventually(
        async () => ((await refusals(pair.az)).ENVELOPE_TOO_OLD === 6 ? true : undefined),
        30_000,
        'six copies refused',
      );
      expect(await refusals(pair.az)).toEqual({ ENVELOPE_TOO_OLD: 6 });
      expect(await storedIncoming(pair.az)).toEqual([]);
      await eventually(
        async () => ((await unpublishedOutbox(pair.az)) === 0 ? true : undefined),
        20_000,
        'the refusals dead-lettered',
      );
      const deadLetters = await peekQueue(pair.broker, 'AZ', deadLetterQueue('AZ'));
      expect(deadLetters.map((m) => [m.messageId, m.headers['x-mxg-error-code']] as const)).toEqual(
        Array.from({ length: 6 }, () => [id, 'ENVELOPE_TOO_OLD']),
      );
      expect(await view(pair.kz, id)).toMatchObject({ status: 'failed', statusCode: 'NO_RECEIPT' });
    }, 240_000);

    it('#10.6 still refuses a seal from further ahead than the clock skew, however wide the window', async () => {
      // KZ's clock runs 15 minutes — three times the skew — ahead of AZ's.
      clocksAt(origin, 130 * MINUTE, [pair.az]);
      clocksAt(origin, 145 * MINUTE, [pair.kz]);
      const id = await submit(pair);
      await eventually(
        async () => ((await refusals(pair.az)).SIGNING_TIME_OUT_OF_RANGE >= 1 ? true : undefined),
        30_000,
        'the envelope refused',
      );
      expect(await storedIncoming(pair.az)).toEqual([]);
      const refused = await sql<{ details: { claimedMessageId: string; layer: string } }>(
        pair.az.db,
        `SELECT details FROM mxg.audit_entries
          WHERE event_type = 'message.rejected' AND error_code = 'SIGNING_TIME_OUT_OF_RANGE'`,
      );
      expect(refused[0].details).toMatchObject({ claimedMessageId: id, layer: 'outer' });
    }, 120_000);

    it('#10.6 sends no copy that can no longer be accepted: a sender asleep past the window fails the message without re-sending', async () => {
      await pair.az.stop();
      clocksAt(origin, 150 * MINUTE, [pair.kz]);
      const id = await submit(pair);
      await statusBecomes(pair.kz, id, 'published');
      // Its first receipt timeout passes only after the window is over: nothing is re-sent.
      clocksAt(origin, (150 + 127) * MINUTE, [pair.kz]);
      expect(await statusBecomes(pair.kz, id, 'failed')).toMatchObject({
        statusCode: 'NO_RECEIPT',
        attempts: 1,
      });
      expect((await auditCounts(pair.kz, 'message.retried', 'NO_RECEIPT')).get(id)).toBe(1);
      expect((await auditCounts(pair.kz, 'message.retried')).get(id)).toBeUndefined();
      expect((await auditCounts(pair.kz, 'message.published')).get(id)).toBe(1);
      expect(await unpublishedOutbox(pair.kz)).toBe(0);
    }, 120_000);
  });
});
