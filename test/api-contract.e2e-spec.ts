import { randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { Client } from 'pg';
import { parseSignedData, signCms } from '@mxg/cms';
import { defaultAlgorithmPolicy, MxgConfigService } from '@mxg/config';
import {
  encodeMessage,
  FileKeyStore,
  MESSAGE_FORMAT,
  type MessageHeader,
  signatureSchemeFor,
} from '@mxg/envelope';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ApiAnswer,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { databaseOutage, sql } from './support/faults';
import { expectProblem } from './support/problem';
import type { TestDatabase } from './support/test-database';

/**
 * Issue #10's findings on the national-system API (7, 10, 11, 14, 15, 16), against two real
 * gateway processes on the real PostgreSQL and RabbitMQ: what a client may send, what the
 * gateway signs of it, and how every refusal is answered.
 */

interface Refusal {
  code: string;
  message: string;
  errors?: { field: string; rule: string; treaty?: string }[];
}
interface View {
  id: string;
  status: string;
  correlationId: string;
  digest: string;
  messages?: (View & { recordedAt: string })[];
  next?: string | null;
}

const DAY_MS = 86_400_000;

describe('national-system API contract (issue #10)', () => {
  let pair: ExchangePair;

  beforeAll(async () => {
    pair = await createExchangePair();
  }, 90_000);
  afterAll(() => pair?.close());

  /** Sends `body` as it is — bytes or text — with the content type given. */
  const send = async (
    gateway: GatewayUnderTest,
    client: string | null,
    method: string,
    path: string,
    body?: string | Uint8Array,
    contentType?: string,
  ): Promise<ApiAnswer<Refusal & View>> => {
    const response = await fetch(`http://127.0.0.1:${gateway.port}${path}`, {
      method,
      headers: {
        ...(client === null ? {} : { authorization: `Bearer ${gateway.token(client)}` }),
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
      },
      body,
    });
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      body: (type.includes('json') ? await response.json() : {}) as Refusal & View,
    };
  };
  const submitText = (text: string | Uint8Array, client = 'KZ-MVD') =>
    send(pair.kz, client, 'POST', '/v1/messages', text, 'application/json');
  const submitSigned = (der: Uint8Array, client = 'KZ-MVD') =>
    send(pair.kz, client, 'POST', '/v1/messages', der, 'application/pkcs7-mime');

  /** Outgoing messages stored at a gateway. */
  const stored = async (gateway: GatewayUnderTest) =>
    (
      await sql<{ n: number }>(
        gateway.db,
        `SELECT count(*)::int AS n FROM mxg.messages WHERE direction = 'outgoing'`,
      )
    )[0].n;
  /** Refused submissions on a gateway's audit record, by code. */
  const audited = async (gateway: GatewayUnderTest, code: string) =>
    (
      await sql<{ n: number }>(
        gateway.db,
        `SELECT count(*)::int AS n FROM mxg.audit_entries
          WHERE event_type = 'message.submitted' AND outcome = 'failure' AND error_code = $1`,
        [code],
      )
    )[0].n;

  /** Expects `attempt` to be refused with `status` and `code`, audited, and nothing stored. */
  const expectRefused = async (
    gateway: GatewayUnderTest,
    attempt: () => Promise<ApiAnswer<Refusal & View>>,
    status: number,
    code: string,
  ): Promise<Refusal> => {
    const [storedBefore, auditedBefore] = [await stored(gateway), await audited(gateway, code)];
    const { status: answered, body } = await attempt();
    expect({ status: answered, code: body.code }).toEqual({ status, code });
    expect(await stored(gateway)).toBe(storedBefore);
    expect(await audited(gateway, code)).toBe(auditedBefore + 1);
    return body;
  };

  /** A message signed by KZ-MVD's deputy minister before it is submitted (MIG-9.3). */
  const presigned = async (
    header: Partial<MessageHeader> = {},
    body: Record<string, unknown> = registrationRequest().body,
  ): Promise<{ der: Uint8Array; header: MessageHeader }> => {
    const id = header.id ?? randomUUID();
    const full: MessageHeader = {
      format: MESSAGE_FORMAT,
      id,
      type: 'request',
      agreement: 'MIG',
      from: { party: 'KZ', authority: 'KZ-MVD' },
      to: { party: 'AZ', authority: 'AZ-DMX' },
      createdAt: new Date().toISOString(),
      correlationId: id,
      inReplyTo: null,
      ...header,
    };
    const keys = await new FileKeyStore(MxgConfigService.load().paths.certs, 'KZ').signatory(
      'kz-mvd-deputy-minister',
    );
    const der = await signCms(encodeMessage({ header: full, body }), keys, {
      scheme: signatureSchemeFor(keys.certificate.publicKey, defaultAlgorithmPolicy()),
      signingTime: new Date(),
    });
    return { der, header: full };
  };

  /** What the gateway signed for a message: its canonical content, from the signed original. */
  const signedContent = async (id: string): Promise<string> => {
    const { status, body } = await pair.kz.api<Buffer>(
      'KZ-MVD',
      'GET',
      `/v1/messages/${id}/signed`,
    );
    expect(status).toBe(200);
    return Buffer.from(parseSignedData(body).encapsulatedContent!).toString('utf8');
  };

  /** A submission's JSON text with `members` added to its body. */
  const withBody = (members: string) => {
    const text = JSON.stringify(registrationRequest());
    return text.replace('"body":{', `"body":{${members},`);
  };

  describe('#10.7 a message to an authority of the sender’s own party', () => {
    it('#10.7 is refused as RECIPIENT_IS_OWN_PARTY on the JSON path, audited, nothing stored', async () => {
      const body = await expectRefused(
        pair.kz,
        () => pair.kz.api('KZ-MVD', 'POST', '/v1/messages', registrationRequest('KZ-MTSZN')),
        422,
        'RECIPIENT_IS_OWN_PARTY',
      );
      expect(body.message).toContain('KZ-MTSZN');
      const own = await pair.az.api<Refusal>('AZ-DMX', 'POST', '/v1/messages', {
        ...registrationRequest('AZ-DMX'),
        signatory: 'az-dmx-deputy-head',
      });
      expect(own).toMatchObject({ status: 422, body: { code: 'RECIPIENT_IS_OWN_PARTY' } });
    });

    it('#10.7 is refused as RECIPIENT_IS_OWN_PARTY when pre-signed', async () => {
      const { der } = await presigned({ to: { party: 'KZ', authority: 'KZ-MTSZN' } });
      await expectRefused(pair.kz, () => submitSigned(der), 422, 'RECIPIENT_IS_OWN_PARTY');
    });
  });

  describe('#10.10 what is signed is exactly what was sent', () => {
    it.each([
      [
        'a duplicate key',
        '{"agreement":"MIG",' + JSON.stringify(registrationRequest()).slice(1),
        'duplicate-key',
      ],
      ['a duplicate key deep in the body', withBody('"x":[{"a":{"b":1,"b":2}}]'), 'duplicate-key'],
      ['a duplicate key spelt with an escape', withBody('"x":1,"\\u0078":2'), 'duplicate-key'],
      ['a __proto__ key', withBody('"__proto__":{"isAdmin":true}'), 'forbidden-key'],
      ['an escaped __proto__ key', withBody('"x":{"__pro\\u0074o__":{}}'), 'forbidden-key'],
      ['an integer beyond 2^53', withBody('"n":9007199254740993'), 'inexact-number'],
      [
        'a number with more precision than a double',
        withBody('"n":0.10000000000000000001'),
        'inexact-number',
      ],
      ['a lone surrogate', withBody('"s":"\\ud800"'), 'lone-surrogate'],
    ])('#10.10 refuses %s with JSON_NOT_REPRESENTABLE', async (_, text, rule) => {
      const body = await expectRefused(
        pair.kz,
        () => submitText(text),
        400,
        'JSON_NOT_REPRESENTABLE',
      );
      expect(body.errors?.[0]?.rule).toBe(rule);
    });

    it('#10.10 refuses invalid UTF-8 with MALFORMED_JSON instead of replacing it', async () => {
      const bytes = Buffer.from(withBody('"s":"Иванов"'), 'utf8');
      bytes[bytes.indexOf(Buffer.from('Иванов')) + 1] = 0xff;
      const body = await expectRefused(pair.kz, () => submitText(bytes), 400, 'MALFORMED_JSON');
      expect(body.errors?.[0]?.rule).toBe('encoding');
    });

    it('#10.10 signs the canonical form of exactly the JSON values sent', async () => {
      // No body field takes a number since #11 (the numbers' canonical forms are the unit specs'
      // of @mxg/core and @mxg/envelope): the escapes and raw characters of text, and a boolean.
      const request = registrationRequest();
      const text = JSON.stringify({
        ...request,
        body: {
          ...request.body,
          summary: 'SUMMARY',
          otherInformation: 'OTHER',
          confidential: false,
        },
      })
        .replace('"SUMMARY"', '"Запрос \\u00e9\\ud83d\\ude00\\n\\/"')
        .replace('"OTHER"', '"Сведения é😀 \u2028"')
        .replace('"confidential":false', '"confidential" : false');
      const { status, body } = await submitText(text);
      expect(status).toBe(202);
      const content = await signedContent(body.id);
      const sent = (JSON.parse(text) as { body: unknown }).body;
      expect(content.startsWith(`{"body":${canonicalize(sent)},"header":`)).toBe(true);
      const signed = (JSON.parse(content) as { body: Record<string, unknown> }).body;
      expect(signed.summary).toBe('Запрос \u00e9\ud83d\ude00\n/');
      expect(signed.otherInformation).toBe('Сведения é😀 \u2028');
      expect(signed.confidential).toBe(false);
    });
  });

  describe('#10.11 a pre-signed message meets the JSON path’s header rules', () => {
    it('accepts a pre-signed request, and the same submission again as a replay', async () => {
      const { der, header } = await presigned();
      const first = await submitSigned(der);
      expect(first).toMatchObject({ status: 202, body: { id: header.id } });
      const again = await submitSigned(der);
      expect(again).toMatchObject({ status: 202, body: { id: header.id } });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    });

    it('#10.11 refuses a createdAt years in the past or in the future', async () => {
      for (const [offset, rule] of [
        [-3 * 365 * DAY_MS, 'recent'],
        [2 * 365 * DAY_MS, 'not-future'],
      ] as const) {
        const { der } = await presigned({
          createdAt: new Date(Date.now() + offset).toISOString(),
        });
        const body = await expectRefused(
          pair.kz,
          () => submitSigned(der),
          400,
          'VALIDATION_FAILED',
        );
        expect(body.errors).toEqual([expect.objectContaining({ field: 'header.createdAt', rule })]);
      }
    });

    it('#10.11 refuses a createdAt after the signing time', async () => {
      // KZ's clock 10 minutes ahead: a createdAt 10 minutes after real time is its "now",
      // and the signature made now in real time was made 10 minutes before that.
      const ahead = 10 * 60_000;
      pair.kz.setClockOffset(ahead);
      try {
        const { der } = await presigned({ createdAt: new Date(Date.now() + ahead).toISOString() });
        const body = await expectRefused(
          pair.kz,
          () => submitSigned(der),
          400,
          'VALIDATION_FAILED',
        );
        expect(body.errors).toEqual([
          expect.objectContaining({ field: 'header.createdAt', rule: 'before-signing' }),
        ]);
      } finally {
        pair.kz.setClockOffset(0);
      }
    });

    it('#10.11 refuses a correlationId of another authority’s conversation', async () => {
      const other = await pair.kz.api<View>('KZ-MTSZN', 'POST', '/v1/messages', {
        ...registrationRequest(),
        signatory: 'kz-mtszn-committee-head',
      });
      expect(other.status).toBe(202);
      const { der } = await presigned({ correlationId: other.body.correlationId });
      const body = await expectRefused(pair.kz, () => submitSigned(der), 400, 'VALIDATION_FAILED');
      expect(body.errors).toEqual([
        expect.objectContaining({
          field: 'header.correlationId',
          rule: 'conversation',
          treaty: 'MIG-8',
        }),
      ]);
    });

    it('#10.11 refuses an id in use elsewhere without saying where, and only after the signature', async () => {
      // Another authority's message, and one AZ sent to KZ-MVD: both ids exist at KZ.
      const others = await pair.kz.api<View>('KZ-MTSZN', 'POST', '/v1/messages', {
        ...registrationRequest(),
        signatory: 'kz-mtszn-committee-head',
      });
      const received = await pair.az.api<View>('AZ-DMX', 'POST', '/v1/messages', {
        ...registrationRequest('KZ-MVD'),
        signatory: 'az-dmx-deputy-head',
      });
      expect([others.status, received.status]).toEqual([202, 202]);
      await eventually(
        async () =>
          (await pair.kz.api<View>('KZ-MVD', 'GET', `/v1/messages/${received.body.id}`)).status ===
            200 || undefined,
        20_000,
        'the message from AZ at KZ',
      );
      const answers: Refusal[] = [];
      for (const id of [others.body.id, received.body.id]) {
        const { der } = await presigned({ id, correlationId: id });
        const body = await expectRefused(
          pair.kz,
          () => submitSigned(der),
          409,
          'MESSAGE_ID_UNAVAILABLE',
        );
        expect(body.message).not.toMatch(/already|KZ-MTSZN|AZ-DMX|received/);
        answers.push(body);
      }
      expect(answers[0]).toEqual(answers[1]);

      // Without a valid signature, nothing is said about the id at all.
      const { der } = await presigned({ id: others.body.id, correlationId: others.body.id });
      const tampered = Buffer.from(der);
      tampered[tampered.length - 5] ^= 0x01;
      const unsigned = await submitSigned(tampered);
      expect(unsigned.status).not.toBe(409);
      expect(unsigned.body.code).not.toMatch(/MESSAGE_ID/);
    });

    it('#10.11 tells only the same client that it submitted an id already', async () => {
      const { der, header } = await presigned();
      expect((await submitSigned(der)).status).toBe(202);
      const changed = await presigned(
        { id: header.id, correlationId: header.id },
        {
          ...registrationRequest().body,
          purpose: 'identity-verification',
        },
      );
      const body = await expectRefused(
        pair.kz,
        () => submitSigned(changed.der),
        409,
        'MESSAGE_ID_REUSED',
      );
      expect(body.message).toContain('already');
    });
  });

  describe('#10.14 what used to answer 500', () => {
    it.each([
      [
        'JSON nested 10,000 deep',
        withBody(`"deep":${'['.repeat(10_000)}${']'.repeat(10_000)}`),
        'max-depth',
      ],
      [
        'constructor.prototype in a body',
        withBody('"constructor":{"prototype":{"polluted":true}}'),
        'forbidden-key',
      ],
      ['1e400', withBody('"n":1e400'), 'inexact-number'],
    ])('#10.14 refuses %s with 400 JSON_NOT_REPRESENTABLE', async (_, text, rule) => {
      const body = await expectRefused(
        pair.kz,
        () => submitText(text),
        400,
        'JSON_NOT_REPRESENTABLE',
      );
      expect(body.errors?.[0]?.rule).toBe(rule);
    });
  });

  describe('#10.15 one error shape (RFC 9457 problem details), 405 and 415', () => {
    const expectShape = (answer: ApiAnswer<Refusal & View>, status: number, code: string) =>
      expectProblem(
        {
          status: answer.status,
          contentType: answer.headers.get('content-type'),
          body: answer.body,
        },
        { status, code },
      );

    it('#10.15 answers a non-UUID id in a path with a coded 400 on every route', async () => {
      for (const [method, path] of [
        ['GET', '/v1/messages/not-a-uuid'],
        ['GET', '/v1/messages/not-a-uuid/signed'],
        ['GET', '/v1/messages/not-a-uuid/receipt'],
        ['GET', '/v1/inbox/not-a-uuid'],
        ['POST', '/v1/inbox/not-a-uuid/ack'],
      ]) {
        const answer = await send(pair.kz, 'KZ-MVD', method, path);
        expectShape(answer, 400, 'VALIDATION_FAILED');
        expect(answer.body.errors).toEqual([
          { field: 'id', rule: 'uuid', message: 'must be a UUID' },
        ]);
      }
      const limit = await send(pair.kz, 'KZ-MVD', 'GET', '/v1/inbox?limit=yesterday');
      expectShape(limit, 400, 'VALIDATION_FAILED');
      for (const cursor of [
        'yesterday',
        randomUUID(),
        Buffer.from(`["inbox","${randomUUID()}"]`).toString('base64url'),
      ]) {
        const garbled = await send(pair.kz, 'KZ-MVD', 'GET', `/v1/inbox?cursor=${cursor}`);
        expectShape(garbled, 400, 'CURSOR_INVALID');
      }
    });

    it('#10.15 answers a wrong method on a known path with 405 and Allow', async () => {
      const id = randomUUID();
      for (const [method, path, allow] of [
        // GET is the overseers' message search (#17).
        ['DELETE', '/v1/messages', 'GET, HEAD, POST'],
        ['PUT', '/v1/messages', 'GET, HEAD, POST'],
        ['PUT', `/v1/messages/${id}`, 'GET, HEAD'],
        ['GET', `/v1/inbox/${id}/ack`, 'POST'],
        ['POST', '/v1/inbox', 'GET, HEAD'],
        ['PATCH', '/health', 'GET, HEAD'],
        ['GET', '/v1/audit/witness', 'POST'],
      ]) {
        const answer = await send(pair.kz, 'KZ-MVD', method, path);
        expectShape(answer, 405, 'METHOD_NOT_ALLOWED');
        expect(answer.headers.get('allow')).toBe(allow);
      }
      expectShape(await send(pair.kz, 'KZ-MVD', 'GET', '/no-such-route'), 404, 'NOT_FOUND');
      expectShape(
        await send(pair.kz, 'KZ-MVD', 'GET', `/v1/inbox/${id}`),
        404,
        'MESSAGE_NOT_FOUND',
      );
    });

    it('#10.15 answers a body in a media type the call does not take with 415', async () => {
      const json = JSON.stringify(registrationRequest());
      for (const type of [
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'application/json; charset=iso-8859-1',
      ]) {
        expectShape(
          await send(pair.kz, 'KZ-MVD', 'POST', '/v1/messages', json, type),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
      }
      // No Content-Type at all.
      expectShape(
        await send(pair.kz, 'KZ-MVD', 'POST', '/v1/messages', Buffer.from(json)),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      // A media type the API takes, but not this call.
      expectShape(
        await send(
          pair.kz,
          null,
          'POST',
          '/v1/audit/witness',
          Buffer.from([0x30, 0]),
          'application/cms',
        ),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const utf8 = await send(
        pair.kz,
        'KZ-MVD',
        'POST',
        '/v1/messages',
        json,
        'application/json; charset=UTF-8',
      );
      expect(utf8.status).toBe(202);
    });

    it('#10.15 answers authentication, authorisation and not-found refusals in the same shape', async () => {
      expectShape(
        await send(pair.kz, null, 'GET', '/v1/audit/entries'),
        401,
        'AUTH_UNAUTHENTICATED',
      );
      expectShape(await send(pair.kz, 'KZ-MVD', 'GET', '/v1/audit/entries'), 403, 'AUTH_FORBIDDEN');
      expectShape(await send(pair.kz, null, 'PUT', '/v1/messages'), 405, 'METHOD_NOT_ALLOWED');
      expectShape(
        await send(pair.kz, null, 'POST', '/v1/audit/witness', '{"note":1}', 'application/json'),
        400,
        'AUDIT_WITNESS_REQUEST_INVALID',
      );
    });
  });

  describe('#10.16 the inbox pages by a strict total order', () => {
    it('#10.16 pages one by one through messages recorded in the same millisecond, with an opaque cursor (#17)', async () => {
      const instants = [
        '2026-01-01T00:00:00.123456Z',
        '2026-01-01T00:00:00.123456Z',
        '2026-01-01T00:00:00.123456Z',
        '2026-01-01T00:00:00.123456Z',
        '2026-01-01T00:00:00.123789Z', // the same millisecond, another microsecond
        '2026-01-01T00:00:00.123789Z',
        '2026-01-01T00:00:00.124Z',
      ];
      const ids: string[] = [];
      for (const at of instants) {
        const id = randomUUID();
        ids.push(id);
        await sql(
          pair.kz.db,
          `INSERT INTO mxg.messages (id, direction, type, agreement, from_party, from_authority,
             to_party, to_authority, correlation_id, digest, signatory_id, created_at,
             recorded_at, status, status_at)
           VALUES ($1, 'incoming', 'request', 'MIG', 'AZ', 'AZ-DMX', 'KZ', 'KZ-MTSZN', $1, $2,
             'az-dmx-deputy-head', $3, $3, 'received', $3)`,
          [id, `sha256:${'0'.repeat(64)}`, at],
        );
      }
      const expected = ids
        .map((id, i) => ({ id, at: instants[i] }))
        .sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1))
        .map((m) => m.id);
      for (const limit of [1, 3, 7]) {
        const seen: string[] = [];
        let cursor: string | null | undefined;
        let pages = 0;
        for (; pages < 10; pages++) {
          const query = `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
          const { status, body } = await pair.kz.api<View>('KZ-MTSZN', 'GET', `/v1/inbox?${query}`);
          expect(status).toBe(200);
          seen.push(...body.messages!.map((m) => m.id));
          cursor = body.next;
          if (cursor === null) break;
          // Opaque: no id of a message shows through.
          expect(ids.some((id) => cursor!.includes(id))).toBe(false);
        }
        expect(seen).toEqual(expected);
        // `next` is null on the last page, which is never an empty one.
        expect(pages + 1).toBe(Math.ceil(instants.length / limit));
      }
    });
  });

  describe('#10.14 a database outage', () => {
    const connectionLimitZero = async (db: TestDatabase) => {
      const admin = async (text: string) => {
        const client = new Client({ connectionString: db.adminUrl });
        await client.connect();
        try {
          await client.query(text);
        } finally {
          await client.end();
        }
      };
      await admin(`ALTER DATABASE "${db.name}" CONNECTION LIMIT 0`);
      await admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = '${db.name}' AND pid <> pg_backend_pid() AND NOT EXISTS (
            SELECT 1 FROM pg_roles r WHERE r.rolname = usename AND r.rolsuper)`,
      );
      return () => admin(`ALTER DATABASE "${db.name}" CONNECTION LIMIT -1`);
    };

    it.each([
      ['CONNECT revoked', databaseOutage],
      ['no connections allowed', connectionLimitZero],
    ])(
      '#10.14 answers 503 SERVICE_UNAVAILABLE with Retry-After while %s, and stores nothing',
      async (_, outage) => {
        const { body: earlier } = await pair.kz.api<View>(
          'KZ-MVD',
          'POST',
          '/v1/messages',
          registrationRequest(),
        );
        const count = async () =>
          (
            await sql<{ messages: number; outbox: number }>(
              pair.kz.db,
              `SELECT (SELECT count(*)::int FROM mxg.messages) AS messages,
                      (SELECT count(*)::int FROM mxg.outbox) AS outbox`,
            )
          )[0];
        const before = await count();
        const restore = await outage(pair.kz.db);
        try {
          for (const [method, path, body] of [
            ['POST', '/v1/messages', registrationRequest()],
            ['GET', `/v1/messages/${earlier.id}`, undefined],
            ['GET', '/v1/inbox', undefined],
          ] as const) {
            const answer = await pair.kz.api<Refusal>('KZ-MVD', method, path, body);
            expect({ path, status: answer.status, code: answer.body.code }).toEqual({
              path,
              status: 503,
              code: 'SERVICE_UNAVAILABLE',
            });
            expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
          }
          const health = await send(pair.kz, null, 'GET', '/health');
          expect({ status: health.status, code: health.body.code }).toEqual({
            status: 503,
            code: 'SERVICE_UNAVAILABLE',
          });
          expect(health.headers.get('retry-after')).not.toBeNull();
        } finally {
          await restore();
        }
        expect(await count()).toEqual(before);
        const next = await eventually(
          async () => {
            const answer = await pair.kz.api<View>(
              'KZ-MVD',
              'POST',
              '/v1/messages',
              registrationRequest(),
            );
            return answer.status === 202 ? answer : undefined;
          },
          20_000,
          'a submit accepted after the outage',
        );
        expect(next.body.id).toBeDefined();
        expect(pair.kz.process.child.exitCode).toBeNull();
      },
      60_000,
    );
  });
});
