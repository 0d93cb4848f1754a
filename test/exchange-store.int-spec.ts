import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@mxg/database';
import { FileDataKeyWrapper } from '@mxg/envelope';
import { envelopeEntry, receiptEntry } from '../apps/gateway/src/exchange/outbox-entries';
import type {
  NewMessage,
  WithNewMessage,
} from '../apps/gateway/src/exchange/store/exchange-store.types';
import { DeadLetterStore } from '../apps/gateway/src/dead-letters/dead-letter.store';
import { ExchangeStore } from '../apps/gateway/src/exchange/store/exchange.store';
import { RetentionStore } from '../apps/gateway/src/exchange/store/retention.store';
import { markPublishedStatement } from '../apps/gateway/src/exchange/store/mark-published.statement';
import { migRequest } from './support/pki-fixture';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const AT = new Date('2026-11-22T10:00:00.000Z');

function newMessage(options: { id?: string; idempotencyKey?: string } = {}): NewMessage {
  const id = options.id ?? randomUUID();
  return {
    header: migRequest(AT, { id, correlationId: id }).header,
    direction: 'outgoing',
    digest: `sha256:${'ab'.repeat(32)}`,
    signatoryId: 'kz-mvd-deputy-minister',
    status: 'accepted',
    at: AT,
    content: Buffer.from(`{"id":"${id}"}`),
    signed: Buffer.from('signed'),
    envelope: Buffer.from('envelope'),
    submittedBy: 'kz-mvd-system',
    idempotencyKey: options.idempotencyKey,
    requestDigest: `sha256:${'cd'.repeat(32)}`,
  };
}

/** What a submit writes beside the message: its outbox row and two audit entries. */
function withIt(m: NewMessage): WithNewMessage {
  const common = {
    actor: { authority: 'KZ-MVD', role: 'publisher', user: 'kz-mvd-system' },
    messageId: m.header.id,
    correlationId: m.header.correlationId,
    parties: ['KZ', 'AZ'],
    agreement: 'MIG',
    contentDigest: m.digest,
  };
  return {
    outbox: envelopeEntry(m.header, m.at),
    audit: [
      { type: 'message.submitted', ...common },
      { type: 'message.sealed', ...common },
    ],
  };
}

describe(`${ExchangeStore.name} (group-committed inserts, real PostgreSQL)`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let admin: Client;
  let sut: ExchangeStore;

  const counts = async (ids: readonly string[]) => {
    const { rows } = await admin.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM mxg.messages WHERE id = ANY($1::uuid[])) AS messages,
              (SELECT count(*)::int FROM mxg.message_contents WHERE message_id = ANY($1::uuid[])) AS contents,
              (SELECT count(*)::int FROM mxg.message_keys WHERE message_id = ANY($1::uuid[])) AS keys,
              (SELECT count(*)::int FROM mxg.outbox WHERE message_id = ANY($1::text[])) AS outbox,
              (SELECT count(*)::int FROM mxg.audit_entries WHERE message_id = ANY($1::text[])) AS audit,
              (SELECT count(DISTINCT xid)::int FROM mxg.audit_entries WHERE message_id = ANY($1::text[])) AS transactions`,
      [ids],
    );
    return rows[0];
  };

  beforeAll(async () => {
    db = await createTestDatabase('messages');
    dataSource = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    admin = new Client({ connectionString: db.ownerUrl });
    await admin.connect();
    sut = new ExchangeStore(dataSource, FileDataKeyWrapper.fromKey(randomBytes(32)));
  });

  afterAll(async () => {
    await admin?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('stores concurrent messages with all their rows, several per statement', async () => {
    const messages = Array.from({ length: 20 }, () => newMessage());
    const records = await Promise.all(messages.map((m) => sut.insertMessage(m, withIt(m))));

    expect(records.map((r) => r?.id)).toEqual(messages.map((m) => m.header.id));
    const ids = messages.map((m) => m.header.id);
    const stored = await counts(ids);
    expect(stored).toMatchObject({ messages: 20, contents: 20, keys: 20, outbox: 20, audit: 40 });
    // The first went alone; the 19 made while it was in flight went in one more statement
    // (entries of one statement share its transaction id).
    expect(stored.transactions).toBe(2);
  });

  it('stores a message submitted twice at once exactly once, and says which was the duplicate', async () => {
    const twice = newMessage();
    const others = Array.from({ length: 5 }, () => newMessage());
    const all = [twice, ...others, twice];
    const records = await Promise.all(all.map((m) => sut.insertMessage(m, withIt(m))));

    expect(records.filter((r) => r?.id === twice.header.id)).toHaveLength(1);
    expect(records.filter((r) => r === undefined)).toHaveLength(1);
    expect(await counts([twice.header.id])).toMatchObject({
      messages: 1,
      contents: 1,
      outbox: 1,
      audit: 2,
    });
    expect(await counts(others.map((m) => m.header.id))).toMatchObject({ messages: 5, audit: 10 });
  });

  it('writes nothing for a message whose id is stored already', async () => {
    const m = newMessage();
    await sut.insertMessage(m, withIt(m));
    const again = await sut.insertMessage({ ...m, digest: `sha256:${'ee'.repeat(32)}` }, withIt(m));

    expect(again).toBeUndefined();
    expect(await counts([m.header.id])).toMatchObject({ messages: 1, outbox: 1, audit: 2 });
  });

  it('fails only the message at fault when a batch cannot be written as a whole', async () => {
    // Two messages racing with one Idempotency-Key: the unique index refuses the statement
    // holding both; each is then tried alone and exactly one of them is stored.
    const key = `key-${randomUUID()}`;
    const first = newMessage({ idempotencyKey: key });
    const racing = newMessage({ idempotencyKey: key });
    const bystanders = Array.from({ length: 4 }, () => newMessage());
    const blocker = newMessage();
    const inFlight = sut.insertMessage(blocker, withIt(blocker)); // the next ones batch behind it
    const outcomes = await Promise.allSettled(
      [first, ...bystanders, racing].map((m) => sut.insertMessage(m, withIt(m))),
    );
    await inFlight;

    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toMatchObject({
      driverError: expect.objectContaining({ code: '23505' }) as unknown,
    });
    const stored = await counts([first.header.id, racing.header.id]);
    expect(stored).toMatchObject({ messages: 1, contents: 1, keys: 1, outbox: 1, audit: 2 });
    expect(await counts(bystanders.map((m) => m.header.id))).toMatchObject({
      messages: 4,
      outbox: 4,
      audit: 8,
    });
  });

  it('inserts inside a caller’s transaction when given one, and rolls back with it', async () => {
    const m = newMessage();
    await expect(
      sut.transaction(async (tx) => {
        expect(await sut.insertMessage(m, withIt(m), tx)).toMatchObject({ id: m.header.id });
        throw new Error('caller gives up');
      }),
    ).rejects.toThrow('caller gives up');
    expect(await counts([m.header.id])).toMatchObject({
      messages: 0,
      keys: 0,
      outbox: 0,
      audit: 0,
    });
  });

  it('records concurrent receipts, the first for each message only, several per statement', async () => {
    const sent = Array.from({ length: 6 }, () => newMessage());
    await Promise.all(sent.map((m) => sut.insertMessage(m, withIt(m))));
    const receive = (m: NewMessage, status: 'accepted' | 'rejected') =>
      sut.recordReceivedReceipt(
        {
          messageId: m.header.id,
          status,
          code: status === 'rejected' ? 'SIGNATURE_INVALID' : null,
          signed: Buffer.from(`receipt ${status}`),
          at: AT,
        },
        status === 'accepted' ? 'receipt-accepted' : 'receipt-rejected',
        [
          {
            actor: { authority: 'AZ-DMX', role: 'gateway', user: null },
            messageId: m.header.id,
            parties: ['KZ', 'AZ'],
          },
        ],
      );
    // The first message's receipt arrives twice at once, the second's was rejected.
    const firsts = await Promise.all([
      receive(sent[0], 'accepted'),
      ...sent.slice(1).map((m, i) => receive(m, i === 0 ? 'rejected' : 'accepted')),
      receive(sent[0], 'accepted'),
    ]);

    expect(firsts).toEqual([true, true, true, true, true, true, false]);
    const found = await Promise.all(sent.map((m) => sut.find(m.header.id)));
    expect(found.map((m) => m?.status)).toEqual([
      'delivered',
      'rejected',
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ]);
    expect(found[1]?.statusCode).toBe('SIGNATURE_INVALID');
    const { rows } = await admin.query<{
      receipts: number;
      entries: number;
      transactions: number;
    }>(
      `SELECT (SELECT count(*)::int FROM mxg.receipts WHERE message_id = ANY($1::uuid[])) AS receipts,
              (SELECT count(*)::int FROM mxg.audit_entries
                WHERE message_id = ANY($1::text[]) AND event_type = 'receipt.received') AS entries,
              (SELECT count(DISTINCT xid)::int FROM mxg.audit_entries
                WHERE message_id = ANY($1::text[]) AND event_type = 'receipt.received') AS transactions`,
      [sent.map((m) => m.header.id)],
    );
    // The first receipt alone, the next five together; the repeated one waited and wrote nothing.
    expect(rows[0]).toEqual({ receipts: 6, entries: 6, transactions: 2 });
  });

  it("records a request's deadline (MIG-10.3) in its receipt's own statement, never moving it", async () => {
    const sent = Array.from({ length: 3 }, () => newMessage());
    await Promise.all(
      sent.map((m) =>
        sut.insertMessage(m, {
          ...withIt(m),
          request: {
            id: m.header.id,
            agreement: 'MIG',
            side: 'requester',
            requester: { party: 'KZ', authority: 'KZ-MVD' },
            requested: { party: 'AZ', authority: 'AZ-DMX' },
            purpose: null,
            confidential: false,
            state: 'open',
            at: AT,
          },
        }),
      ),
    );
    const due = (day: number) => ({
      receivedAt: new Date(AT.getTime() + day * 86_400_000),
      receivedOn: `2026-11-${22 + day}`,
      dueOn: `2026-12-${22 + day}`,
    });
    const receive = (m: NewMessage, requestDue?: ReturnType<typeof due>) =>
      sut.recordReceivedReceipt(
        {
          messageId: m.header.id,
          status: 'accepted',
          code: null,
          signed: Buffer.from('receipt'),
          at: AT,
        },
        'receipt-accepted',
        [],
        requestDue,
      );

    // Two receipts stating deadlines and one stating none, together; then a copy of the first
    // stating another deadline, and a copy of the third stating one.
    const firsts = await Promise.all([
      receive(sent[0], due(0)),
      receive(sent[1], due(1)),
      receive(sent[2]),
    ]);
    const copies = [await receive(sent[0], due(5)), await receive(sent[2], due(2))];

    expect(firsts).toEqual([true, true, true]);
    expect(copies).toEqual([false, false]);
    const { rows } = await admin.query<{ received_on: string; due_on: string; received_at: Date }>(
      `SELECT received_on::text, due_on::text, received_at FROM mxg.requests
        WHERE id = ANY ($1::uuid[]) ORDER BY array_position($1::uuid[], id)`,
      [sent.map((m) => m.header.id)],
    );
    // The first deadline stays; the one no receipt stated is completed by the copy that does.
    expect(rows).toEqual(
      [0, 1, 2].map((day) => {
        const d = due(day);
        return { received_on: d.receivedOn, due_on: d.dueOn, received_at: d.receivedAt };
      }),
    );
  });

  it('stores deliveries arriving together in one statement, and one that cannot be stored fails alone', async () => {
    const received = (m: NewMessage): NewMessage => ({
      ...m,
      direction: 'incoming',
      status: 'received',
      envelope: undefined,
      submittedBy: undefined,
      idempotencyKey: undefined,
      requestDigest: undefined,
    });
    const deliveries = Array.from({ length: 6 }, () => received(newMessage()));
    const withReceipt = (m: NewMessage): WithNewMessage => ({
      receipt: {
        direction: 'sent',
        status: 'accepted',
        code: null,
        signed: Buffer.from('receipt'),
        at: AT,
      },
      outbox: receiptEntry(m.header.id, 'KZ', Buffer.from('receipt'), AT),
      audit: [{ ...withIt(m).audit![0], type: 'message.received' }],
    });
    // The fourth names a message this gateway never held: its rows cannot be stored.
    const bad = deliveries[3];
    const outcomes = await Promise.allSettled(
      deliveries.map((m) =>
        sut.insertMessage(m, {
          ...withReceipt(m),
          ...(m === bad
            ? { restrictions: [{ messageId: randomUUID(), restriction: 'purpose-only' }] }
            : {}),
        }),
      ),
    );

    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const good = deliveries.filter((m) => m !== bad).map((m) => m.header.id);
    expect(await counts(good)).toMatchObject({ messages: 5, outbox: 5, audit: 5 });
    expect(await counts([bad.header.id])).toMatchObject({ messages: 0, outbox: 0, audit: 0 });
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM mxg.receipts WHERE message_id = ANY ($1::uuid[])`,
      [deliveries.map((m) => m.header.id)],
    );
    expect(rows[0].n).toBe(5);
  });

  it("drops a published receipt's payload once the receipt is stored, by the receipts' key, and a malformed id fails nothing", async () => {
    const m = newMessage();
    const signed = Buffer.from('our receipt');
    await sut.insertMessage(
      { ...m, direction: 'incoming', status: 'received', envelope: undefined },
      {
        receipt: { direction: 'sent', status: 'accepted', code: null, signed, at: AT },
        outbox: receiptEntry(m.header.id, 'KZ', signed, AT),
        audit: [{ ...withIt(m).audit![0], type: 'message.received' }],
      },
    );
    const stray = await admin.query<{ id: string }>(
      `INSERT INTO mxg.outbox (message_id, kind, exchange, routing_key, payload, properties, created_at, available_at)
       VALUES ('not-a-uuid', 'receipt', 'mxg.messages', 'kz', '\\x00', '{}', $1, $1) RETURNING id::text`,
      [AT],
    );
    const ours = await admin.query<{ id: string }>(
      `SELECT id::text FROM mxg.outbox WHERE message_id = $1 AND kind = 'receipt'`,
      [m.header.id],
    );
    const rows = [
      { id: ours.rows[0].id, kind: 'receipt' as const, messageId: m.header.id },
      { id: stray.rows[0].id, kind: 'receipt' as const, messageId: 'not-a-uuid' },
    ];

    await sut.markBatchPublished(dataSource, rows, AT, 30);

    const { rows: after } = await admin.query<{
      message_id: string;
      kept: boolean;
      published: boolean;
    }>(
      `SELECT message_id, payload IS NOT NULL AS kept, published_at IS NOT NULL AS published
         FROM mxg.outbox WHERE id = ANY ($1::bigint[]) ORDER BY id`,
      [rows.map((r) => r.id)],
    );
    expect(after).toEqual([
      { message_id: m.header.id, kept: false, published: true },
      { message_id: 'not-a-uuid', kept: true, published: true },
    ]);
    // #16: compared as text, the look-up scanned every receipt for every published row (a cost
    // growing with the table); as a uuid it is a probe of receipts' primary key.
    const { text, parameters } = markPublishedStatement(rows, AT, 30);
    const plan = await dataSource.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const lines = await tx.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${text}`, parameters);
      return lines.map((l) => l['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Scan using receipts_pkey on receipts/);
    expect(plan).not.toMatch(/Seq Scan on receipts/);
  });

  it('moves a message by a trigger of the lifecycle table, its audit entry with it', async () => {
    const m = newMessage();
    await sut.insertMessage(m, withIt(m));
    const later = new Date(AT.getTime() + 60_000);
    const audit = [{ actor: { role: 'gateway' }, messageId: m.header.id, parties: ['KZ', 'AZ'] }];

    // `accepted`: never published, so there is nothing to give up on — the table refuses.
    const refusedFirst = await sut.move(dataSource, m.header.id, 'give-up', later, { audit });

    expect(refusedFirst).toBeUndefined();
    const published = await sut.markBatchPublished(
      dataSource,
      [{ id: '0', kind: 'envelope', messageId: m.header.id }],
      later,
      30,
    );
    expect(published).toMatchObject([{ status: 'published', attempts: 1 }]);
    const failed = await sut.move(dataSource, m.header.id, 'give-up', later, {
      code: 'NO_RECEIPT',
      receiptDueAt: null,
      audit,
    });
    // `failed` is no status `give-up` moves from either: nothing changes, nothing is audited.
    const refused = await sut.move(dataSource, m.header.id, 'give-up', later, { audit });

    expect(failed).toMatchObject({
      status: 'failed',
      statusCode: 'NO_RECEIPT',
      receiptDueAt: null,
    });
    expect(refused).toBeUndefined();
    const { rows } = await admin.query<{ event_type: string; recorded_at: Date }>(
      `SELECT event_type, recorded_at FROM mxg.audit_entries
        WHERE message_id = $1 AND event_type = 'message.retried'`,
      [m.header.id],
    );
    expect(rows).toEqual([{ event_type: 'message.retried', recorded_at: later }]);
  });

  it('finds concurrent messages by id, and none for an id that is not a UUID', async () => {
    const m = newMessage();
    await sut.insertMessage(m, withIt(m));
    const [found, missing, notAnId] = await Promise.all([
      sut.find(m.header.id),
      sut.find(randomUUID()),
      sut.find('not-a-uuid'),
    ]);
    expect(found).toMatchObject({ id: m.header.id, status: 'accepted', to: { party: 'AZ' } });
    expect(missing).toBeUndefined();
    expect(notAnId).toBeUndefined();
  });

  it('MIG-11.5 destroying a message drops the bytes of its dead letters too, and no other', async () => {
    const m = newMessage();
    await sut.insertMessage(m, withIt(m));
    const deadLetters = new DeadLetterStore(dataSource);
    const letter = (transportMessageId: string, source: string) => {
      const payload = randomBytes(64);
      return deadLetters.record({
        source,
        code: 'DUPLICATE_REFUSED',
        layer: null,
        kind: 'envelope',
        fromParty: 'AZ',
        transportMessageId,
        size: payload.length,
        sha256: createHash('sha256').update(payload).digest('hex'),
        payload,
        properties: { type: 'mxg.envelope' },
        at: AT,
      });
    };
    const own = await letter(m.header.id, `test:${m.header.id}`);
    const other = await letter(randomUUID(), `test:other:${m.header.id}`);

    const destroyed = await dataSource.transaction((tx) =>
      new RetentionStore(dataSource).destroy(tx, m.header.id, AT, 'retention-expired'),
    );

    expect(destroyed).toMatchObject({ id: m.header.id });
    const kept = async (id: string) =>
      (await deadLetters.list({ limit: 100 })).items.find((d) => d.id === id)?.payloadKept;
    expect(await kept(own!.record.id)).toBe(false);
    expect(await kept(other!.record.id)).toBe(true);
  });
});
