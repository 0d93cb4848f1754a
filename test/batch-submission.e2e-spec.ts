import { signCms } from '@mxg/cms';
import { defaultAlgorithmPolicy, MxgConfigService } from '@mxg/config';
import { encodeMessage, FileKeyStore, type MessageHeader, signatureSchemeFor } from '@mxg/envelope';
import { exampleMessage } from '@mxg/messages';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ApiAnswer,
  type ExchangePair,
} from './support/exchange-pair';
import { sql } from './support/faults';
import { migRequest } from './support/pki-fixture';

/**
 * `POST /messages/batch` (#16) against two real gateway processes on the real PostgreSQL and
 * RabbitMQ: each item answered as `POST /messages` would answer it alone, delivered once with its
 * receipt or refused with its own code and audited, replays idempotent across batches.
 */

interface Refusal {
  code: string;
  message: string;
  errors?: { field: string; rule: string; treaty?: string }[];
}
interface ItemResult {
  index: number;
  status: number;
  idempotencyKey?: string;
  replayed?: boolean;
  message?: { id: string; status: string; warnings: unknown[] };
  error?: Refusal;
}
interface BatchAnswer extends Partial<Refusal> {
  accepted: number;
  refused: number;
  items: ItemResult[];
}
interface View {
  id: string;
  status: string;
  receipt?: { status: string } | null;
  timeline?: { event: string; outcome: string }[];
}

type Item = { idempotencyKey?: string; message?: unknown; signedData?: string };

describe('POST /messages/batch (#16)', () => {
  let pair: ExchangePair;

  beforeAll(async () => {
    pair = await createExchangePair();
  }, 90_000);
  afterAll(() => pair?.close());

  const batch = (items: unknown, client = 'KZ-MVD') =>
    pair.kz.api<BatchAnswer>(client, 'POST', '/v1/messages/batch', { items });
  /** Sends `body` as it is, with the content type given. */
  const send = async (
    body: string | Uint8Array,
    contentType = 'application/json',
    client: string | null = 'KZ-MVD',
  ): Promise<ApiAnswer<BatchAnswer>> => {
    const response = await fetch(`http://127.0.0.1:${pair.kz.port}/v1/messages/batch`, {
      method: 'POST',
      headers: {
        ...(client === null ? {} : { authorization: `Bearer ${pair.kz.token(client)}` }),
        'content-type': contentType,
      },
      body,
    });
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      body: (type.includes('json') ? await response.json() : {}) as BatchAnswer,
    };
  };

  /** Outgoing messages stored at KZ. */
  const stored = async () =>
    (
      await sql<{ n: number }>(
        pair.kz.db,
        `SELECT count(*)::int AS n FROM mxg.messages WHERE direction = 'outgoing'`,
      )
    )[0].n;
  /** Refused submissions on KZ's audit record, by code. */
  const audited = async () => {
    const found = await sql<{ code: string; n: number }>(
      pair.kz.db,
      `SELECT error_code AS code, count(*)::int AS n FROM mxg.audit_entries
        WHERE event_type = 'message.submitted' AND outcome = 'failure' GROUP BY error_code`,
    );
    return Object.fromEntries(found.map((r) => [r.code, r.n])) as Record<string, number>;
  };
  const auditedSince = async (before: Record<string, number>) => {
    const now = await audited();
    return Object.fromEntries(
      Object.entries(now)
        .map(([code, n]) => [code, n - (before[code] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
  };
  const byKey = async (keys: readonly string[]) =>
    sql<{ id: string; idempotency_key: string }>(
      pair.kz.db,
      `SELECT id, idempotency_key FROM mxg.messages WHERE submitted_by = 'kz-mvd-system'
         AND idempotency_key = ANY($1) ORDER BY idempotency_key`,
      [keys],
    );
  /** How many times each message is stored at AZ, once all of `ids` are there. */
  const storedAtAz = (ids: readonly string[]) =>
    eventually(
      async () => {
        const found = await sql<{ id: string; n: number }>(
          pair.az.db,
          `SELECT id, count(*)::int AS n FROM mxg.messages WHERE id = ANY($1) GROUP BY id`,
          [ids],
        );
        return found.length === ids.length ? found.map((r) => r.n) : undefined;
      },
      30_000,
      `${ids.length} messages at AZ`,
    );
  const delivered = (id: string) =>
    eventually(
      async () => {
        const { body } = await pair.kz.api<View>('KZ-MVD', 'GET', `/v1/messages/${id}`);
        return body.status === 'delivered' ? body : undefined;
      },
      30_000,
      `message ${id} delivered`,
    );

  /** A message signed by KZ-MVD's deputy minister before it is submitted (MIG-9.3). */
  const presigned = async (): Promise<{ der: Uint8Array; header: MessageHeader }> => {
    const { header } = migRequest(new Date());
    const keys = await new FileKeyStore(MxgConfigService.load().paths.certs, 'KZ').signatory(
      'kz-mvd-deputy-minister',
    );
    const der = await signCms(encodeMessage({ header, body: registrationRequest().body }), keys, {
      scheme: signatureSchemeFor(keys.certificate.publicKey, defaultAlgorithmPolicy()),
      signingTime: new Date(),
    });
    return { der, header };
  };

  it('delivers the good items once with receipts and refuses each bad one with its own code, audited', async () => {
    const signed = await presigned();
    const items: Item[] = [
      { idempotencyKey: 'mixed-0', message: registrationRequest() },
      // VALIDATION_FAILED: a field the API does not define.
      { idempotencyKey: 'mixed-1', message: { ...registrationRequest(), priority: 'high' } },
      // MIG-9.3: a signatory not on the sending authority's list.
      { message: { ...registrationRequest(), signatory: 'kz-mtszn-committee-head' } },
      // A type the agreement does not provide for.
      {
        message: {
          ...registrationRequest(),
          type: 'reimbursement-claim',
          body: exampleMessage('reimbursement-claim').body,
        },
      },
      { idempotencyKey: 'mixed-4', signedData: Buffer.from(signed.der).toString('base64') },
      // MIG-1, MIG-2: an authority of the sender's own party.
      { message: registrationRequest('KZ-MTSZN') },
      // The key of item 0 again.
      { idempotencyKey: 'mixed-0', message: registrationRequest() },
      // Malformed: neither a message nor signed data.
      { idempotencyKey: 'mixed-7' },
      { message: registrationRequest() },
    ];
    const [storedBefore, auditedBefore] = [await stored(), await audited()];

    const { status, body } = await batch(items);

    expect(status).toBe(200);
    expect(body.items.map((i) => [i.index, i.status, i.error?.code ?? 'accepted'])).toEqual([
      [0, 202, 'accepted'],
      [1, 400, 'VALIDATION_FAILED'],
      [2, 403, 'SIGNATORY_NOT_AUTHORISED'],
      [3, 422, 'MESSAGE_TYPE_NOT_ALLOWED'],
      [4, 202, 'accepted'],
      [5, 422, 'RECIPIENT_IS_OWN_PARTY'],
      [6, 409, 'BATCH_ITEM_DUPLICATE'],
      [7, 400, 'VALIDATION_FAILED'],
      [8, 202, 'accepted'],
    ]);
    expect({ accepted: body.accepted, refused: body.refused }).toEqual({ accepted: 3, refused: 6 });
    // Each refusal exactly as POST /messages words it.
    expect(body.items[1].error?.errors).toEqual([
      expect.objectContaining({ field: 'priority', rule: 'whitelistValidation' }),
    ]);
    expect(body.items[7].error?.errors).toEqual([
      expect.objectContaining({ field: 'message', rule: 'required' }),
    ]);
    expect(body.items[0]).toMatchObject({
      idempotencyKey: 'mixed-0',
      replayed: false,
      message: { status: 'accepted', warnings: [] },
    });
    expect(body.items[4].message?.id).toBe(signed.header.id);

    // Only the good ones stored; every refusal on the record by its code.
    expect(await stored()).toBe(storedBefore + 3);
    expect(await auditedSince(auditedBefore)).toEqual({
      VALIDATION_FAILED: 2,
      SIGNATORY_NOT_AUTHORISED: 1,
      MESSAGE_TYPE_NOT_ALLOWED: 1,
      RECIPIENT_IS_OWN_PARTY: 1,
      BATCH_ITEM_DUPLICATE: 1,
    });

    // The good ones delivered to AZ once each, with a signed receipt back, audited as one
    // submission through POST /messages is.
    const ids = [0, 4, 8].map((i) => body.items[i].message!.id);
    expect(await storedAtAz(ids)).toEqual([1, 1, 1]);
    const single = await pair.kz.api<View>('KZ-MVD', 'POST', '/v1/messages', registrationRequest());
    expect(single.status).toBe(202);
    const timeline = (id: string) =>
      eventually(async () => {
        const events = (await delivered(id)).timeline!.map((e) => `${e.event} ${e.outcome}`);
        return events.includes('receipt.received success') ? events : undefined;
      });
    const expected = await timeline(single.body.id);
    expect(expected[0]).toBe('message.submitted success');
    for (const id of ids) {
      expect((await delivered(id)).receipt).toMatchObject({ status: 'accepted' });
      expect(await timeline(id)).toEqual(expected);
    }
  });

  it('answers a replayed batch with the first answers and stores nothing twice; a changed item is 409', async () => {
    const keys = ['replay-0', 'replay-1', 'replay-2'];
    const items = keys.map((idempotencyKey) => ({
      idempotencyKey,
      message: registrationRequest(),
    }));
    const first = await batch(items);
    expect(first.body.items.map((i) => [i.status, i.replayed])).toEqual([
      [202, false],
      [202, false],
      [202, false],
    ]);
    const storedBefore = await stored();

    const again = await batch([
      ...items.slice(0, 2),
      {
        idempotencyKey: 'replay-2',
        message: {
          ...registrationRequest(),
          body: { ...registrationRequest().body, purpose: 'identity-verification' },
        },
      },
    ]);

    expect(again.status).toBe(200);
    expect(again.body.items.map((i) => [i.status, i.replayed, i.error?.code])).toEqual([
      [202, true, undefined],
      [202, true, undefined],
      [409, undefined, 'IDEMPOTENCY_KEY_REUSED'],
    ]);
    expect(again.body.items.slice(0, 2).map((i) => i.message!.id)).toEqual(
      first.body.items.slice(0, 2).map((i) => i.message!.id),
    );
    // The single call and the batch share keys: the same key and message is the same message.
    const single = await pair.kz.api<View>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      registrationRequest(),
      {
        'Idempotency-Key': 'replay-0',
      },
    );
    expect(single.status).toBe(202);
    expect(single.headers.get('idempotent-replayed')).toBe('true');
    expect(single.body.id).toBe(first.body.items[0].message!.id);
    expect(await stored()).toBe(storedBefore);
    expect(await byKey(keys)).toHaveLength(3);
  });

  it('stores each message once when two overlapping batches with the same keys race', async () => {
    const items = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({
        idempotencyKey: `overlap-${from + i}`,
        message: registrationRequest(),
      }));
    // Keys 4…9 are in both.
    const [a, b] = await Promise.all([batch(items(0, 10)), batch(items(4, 14))]);

    expect([a.status, b.status]).toEqual([200, 200]);
    expect([...a.body.items, ...b.body.items].every((i) => i.status === 202)).toBe(true);
    const idOf = (answer: ApiAnswer<BatchAnswer>) =>
      new Map(answer.body.items.map((i) => [i.idempotencyKey!, i.message!.id]));
    const [ida, idb] = [idOf(a), idOf(b)];
    for (let k = 4; k < 10; k++) {
      expect(ida.get(`overlap-${k}`)).toBe(idb.get(`overlap-${k}`));
    }
    // Of each shared key, exactly one answer is the first and the other a replay.
    const replays = [...a.body.items, ...b.body.items].filter((i) => i.replayed).length;
    expect(replays).toBe(6);
    const keys = Array.from({ length: 14 }, (_, k) => `overlap-${k}`);
    const rows = await byKey(keys);
    expect(rows).toHaveLength(14);
    expect(new Set(rows.map((r) => r.id)).size).toBe(14);
    expect(await storedAtAz(rows.map((r) => r.id))).toEqual(Array(14).fill(1));
  });

  describe('refuses, whole and audited, with nothing stored', () => {
    const refusedWhole = async (
      attempt: () => Promise<ApiAnswer<BatchAnswer>>,
      status: number,
      code: string,
      audit = true,
    ) => {
      const [storedBefore, auditedBefore] = [await stored(), await audited()];
      const answer = await attempt();
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
      expect(await stored()).toBe(storedBefore);
      expect(await auditedSince(auditedBefore)).toEqual(audit ? { [code]: 1 } : {});
      return answer.body;
    };

    it('more items than a batch holds (BATCH_TOO_LARGE)', async () => {
      const items = Array.from({ length: 101 }, () => ({ message: registrationRequest() }));
      const body = await refusedWhole(() => batch(items), 413, 'BATCH_TOO_LARGE');
      expect(body.message).toContain('at most 100');
    });

    it('a body over the size limit (PAYLOAD_TOO_LARGE), refused before it is read', async () => {
      const big = {
        ...registrationRequest(),
        body: { ...registrationRequest().body, otherInformation: 'я'.repeat(1024 * 1024) },
      };
      // 3 items of ≈ 2 MiB: each within the limit alone, the batch not.
      await refusedWhole(
        () => batch([{ message: big }, { message: big }, { message: big }]),
        413,
        'PAYLOAD_TOO_LARGE',
        false,
      );
    });

    it('a body that is not strict JSON, or not a batch', async () => {
      await refusedWhole(() => send('{"items": ['), 400, 'MALFORMED_JSON');
      // A duplicate member in one item's message: no item of it can be trusted.
      await refusedWhole(
        () => send('{"items":[{"message":{"type":"request","type":"notice"}}]}'),
        400,
        'JSON_NOT_REPRESENTABLE',
      );
      await refusedWhole(() => batch([]), 400, 'VALIDATION_FAILED');
      await refusedWhole(
        () => send(JSON.stringify([registrationRequest()])),
        400,
        'VALIDATION_FAILED',
      );
      await refusedWhole(
        () => send(JSON.stringify({ items: [{ message: registrationRequest() }], atomic: true })),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('another media type, no token, a client that is not a publisher', async () => {
      await refusedWhole(
        () => send(Buffer.from([0x30, 0x00]), 'application/pkcs7-mime'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        false,
      );
      await refusedWhole(
        () => send(JSON.stringify({ items: [] }), 'application/json', null),
        401,
        'AUTH_UNAUTHENTICATED',
        false,
      );
      await refusedWhole(
        () => batch([{ message: registrationRequest() }], 'auditor'),
        403,
        'AUTH_FORBIDDEN',
        false,
      );
    });
  });

  it('is in the OpenAPI document with its request and response schemas', async () => {
    type Schema = {
      $ref?: string;
      allOf?: Schema[];
      items?: Schema;
      maxItems?: number;
      properties?: Record<string, Schema>;
    };
    const document = (await (await fetch(`http://127.0.0.1:${pair.kz.port}/docs-json`)).json()) as {
      components: { schemas: Record<string, Schema> };
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const post = document.paths['/v1/messages/batch'].post as {
      security: unknown[];
      requestBody: { content: Record<string, { schema: Schema }> };
      responses: Record<string, { content: Record<string, { schema: Schema }> }>;
    };
    expect(post.security).toEqual([{ bearer: [] }]);
    expect(post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SubmitBatchDto',
    });
    expect(post.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/BatchResultView',
    });
    const { schemas } = document.components;
    expect(schemas.SubmitBatchDto.properties!.items).toMatchObject({
      maxItems: 100,
      items: { $ref: '#/components/schemas/BatchItemDto' },
    });
    // An item's message is the very schema of POST /messages, with one schema per body type.
    expect(schemas.BatchItemDto.properties!.message.allOf).toEqual([
      { $ref: '#/components/schemas/SubmitMessageDto' },
    ]);
    expect(Object.keys(schemas.BatchItemResultView.properties!)).toEqual(
      expect.arrayContaining(['index', 'status', 'message', 'error']),
    );
  });

  it('refuses malformed items alone, each with its fields named, the others accepted', async () => {
    const [storedBefore, auditedBefore] = [await stored(), await audited()];
    const { status, body } = await batch([
      'a string',
      null,
      { message: registrationRequest(), signedData: 'AAAA' },
      { signedData: 'not base64' },
      { idempotencyKey: 'has a space', message: registrationRequest() },
      { message: registrationRequest() },
      { message: [] },
    ]);
    expect(status).toBe(200);
    expect(body.items.map((i) => [i.status, i.error?.errors?.map((e) => e.field)])).toEqual([
      [400, ['item']],
      [400, ['item']],
      [400, ['signedData']],
      [400, ['signedData']],
      [400, ['idempotencyKey']],
      [202, undefined],
      [400, ['body']],
    ]);
    expect(await stored()).toBe(storedBefore + 1);
    expect(await auditedSince(auditedBefore)).toEqual({ VALIDATION_FAILED: 6 });
  });
});
