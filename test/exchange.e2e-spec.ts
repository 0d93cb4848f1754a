import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { defaultAlgorithmPolicy, inboxQueue, MxgConfigService } from '@mxg/config';
import { encodeMessage, FileKeyStore, signReceipt } from '@mxg/envelope';
import { partyPkiPaths } from '@mxg/pki';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { publishRaw, takeDeadLetters } from './support/raw-delivery';
import { opensslEnvelope } from './support/openssl-envelope';
import { migRequest } from './support/pki-fixture';
import { exampleMessage } from '@mxg/messages';

interface View {
  id: string;
  status: string;
  statusCode: string | null;
  correlationId: string;
  inReplyTo: string | null;
  digest: string;
  timeline?: { event: string; outcome: string; code: string | null }[];
  receipt?: { status: string } | null;
  body?: Record<string, unknown>;
  header?: Record<string, unknown>;
  messages?: View[];
  code?: string;
  errors?: { field: string; treaty?: string }[];
}

interface RequestView {
  state: string;
  side: string;
  receivedOn: string | null;
  dueOn: string | null;
  messages: { id: string }[];
}

/** Takes `count` dead letters off a party's dead-letter queue: transport id → error code. */
async function deadLetters(
  pair: ExchangePair,
  party: string,
  count: number,
): Promise<Map<string, string>> {
  const taken = await takeDeadLetters(pair, party, count);
  return new Map(
    taken.map((m) => [
      String(m.properties.messageId),
      String(m.properties.headers?.['x-mxg-error-code']),
    ]),
  );
}

/** Publishes raw messages as `from`'s own AMQP user for `to` (see `publishRaw`). */
function publishAs(
  pair: ExchangePair,
  from: string,
  to: string,
  messages: { content: Uint8Array; messageId: string; type: string }[],
): Promise<void> {
  return publishRaw(
    pair,
    to,
    messages.map(({ content, ...properties }) => ({ bytes: content, properties })),
    from,
  );
}

async function rows<T>(
  gateway: GatewayUnderTest,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: gateway.db.ownerUrl });
  await client.connect();
  try {
    return (await client.query<T & Record<string, unknown>>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('exchange: two gateway processes over real RabbitMQ and PostgreSQL', () => {
  let pair: ExchangePair;
  let work: string;

  beforeAll(async () => {
    pair = await createExchangePair();
    work = mkdtempSync(join(tmpdir(), 'mxg-exchange-'));
  }, 90_000);
  afterAll(async () => {
    await pair?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const submit = (body: unknown = registrationRequest(), headers: Record<string, string> = {}) =>
    pair.kz.api<View>('KZ-MVD', 'POST', '/v1/messages', body, headers);
  const delivered = (gateway: GatewayUnderTest, client: string, id: string) =>
    eventually(
      async () => {
        const { body } = await gateway.api<View>(client, 'GET', `/v1/messages/${id}`);
        return body.status === 'delivered' ? body : undefined;
      },
      20_000,
      `message ${id} delivered`,
    );
  const inInbox = (gateway: GatewayUnderTest, client: string, id: string) =>
    eventually(
      async () => {
        const { body } = await gateway.api<View>(client, 'GET', '/v1/inbox');
        return body.messages?.find((m) => m.id === id);
      },
      20_000,
      `message ${id} in the inbox`,
    );
  const sentEnvelope = async (id: string) =>
    (
      await rows<{ envelope: Buffer }>(
        pair.kz,
        'SELECT envelope FROM mxg.message_contents WHERE message_id = $1',
        [id],
      )
    )[0].envelope;

  it('carries a MIG-5 request from KZ-MVD to AZ-DMX and AZ’s answer back, with signed receipts both ways', async () => {
    const submitted = await submit();
    expect(submitted.status).toBe(202);
    const requestId = submitted.body.id;
    expect(submitted.body.status).toBe('accepted');

    const arrived = await inInbox(pair.az, 'AZ-DMX', requestId);
    expect(arrived.correlationId).toBe(requestId);
    const read = await pair.az.api<View>('AZ-DMX', 'GET', `/v1/inbox/${requestId}`);
    expect(read.body.body).toEqual(registrationRequest().body);
    expect(read.body.header).toMatchObject({
      from: { party: 'KZ', authority: 'KZ-MVD' },
      type: 'request',
    });

    // The signed original is checkable with OpenSSL against Kazakhstan's CA alone.
    const signed = await pair.az.api<Buffer>('AZ-DMX', 'GET', `/v1/messages/${requestId}/signed`);
    writeFileSync(join(work, 'request.p7s'), signed.body);
    const certs = MxgConfigService.load().paths.certs;
    const openssl = spawnSync('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(work, 'request.p7s'),
      '-CAfile',
      partyPkiPaths(certs, 'KZ').caCertificate,
    ]);
    expect(openssl.stderr.toString()).toContain('Verification successful');

    const kzView = await delivered(pair.kz, 'KZ-MVD', requestId);
    expect(kzView.receipt).toMatchObject({ status: 'accepted' });

    expect(
      (await pair.az.api<View>('AZ-DMX', 'POST', `/v1/inbox/${requestId}/ack`)).body.status,
    ).toBe('acknowledged');
    const inboxAfter = await pair.az.api<View>('AZ-DMX', 'GET', '/v1/inbox');
    expect(inboxAfter.body.messages?.map((m) => m.id)).not.toContain(requestId);

    const answer = await pair.az.api<View>('AZ-DMX', 'POST', '/v1/messages', {
      ...exampleMessage('response'),
      inReplyTo: requestId,
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ correlationId: requestId, inReplyTo: requestId });
    const response = await inInbox(pair.kz, 'KZ-MVD', answer.body.id);
    expect(response.correlationId).toBe(requestId);
    await delivered(pair.az, 'AZ-DMX', answer.body.id);

    const timeline = await eventually(async () => {
      const { body } = await pair.kz.api<View>('KZ-MVD', 'GET', `/v1/messages/${requestId}`);
      return body.timeline!.some((e) => e.event === 'receipt.received') ? body.timeline : undefined;
    });
    expect(timeline.map((e) => e.event)).toEqual([
      'message.submitted',
      'request.opened',
      'message.published',
      'receipt.received',
    ]);
    // MIG-10.3: both gateways hold the request, answered, with the deadline AZ's receipt stated.
    const held = await eventually(async () => {
      const kz = (await pair.kz.api<RequestView>('KZ-MVD', 'GET', `/v1/requests/${requestId}`))
        .body;
      const az = (await pair.az.api<RequestView>('AZ-DMX', 'GET', `/v1/requests/${requestId}`))
        .body;
      return kz.state === 'answered' && kz.dueOn !== null ? { kz, az } : undefined;
    });
    expect(held.az).toMatchObject({ side: 'requested', state: 'answered', dueOn: held.kz.dueOn });
    expect(held.kz).toMatchObject({ side: 'requester', receivedOn: held.az.receivedOn });
    expect(held.kz.messages.map((m) => m.id)).toEqual([requestId, answer.body.id]);
  });

  it('makes a retried submit with the same Idempotency-Key safe, and refuses the key for another message', async () => {
    const first = await submit(registrationRequest(), { 'Idempotency-Key': 'retry-1' });
    const again = await submit(registrationRequest(), { 'Idempotency-Key': 'retry-1' });
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await submit(
      {
        ...registrationRequest(),
        body: { ...registrationRequest().body, purpose: 'identity-verification' },
      },
      { 'Idempotency-Key': 'retry-1' },
    );
    expect(other).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const stored = await rows(pair.kz, 'SELECT id FROM mxg.messages WHERE idempotency_key = $1', [
      'retry-1',
    ]);
    expect(stored).toHaveLength(1);
  });

  it('replays a retry whose JSON members come in another order (#17: the digest is over RFC 8785 canonical JSON, not the bytes)', async () => {
    /** The same JSON value with every object's members in reverse order, at every depth. */
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const request = registrationRequest();
    const first = await submit(request, { 'Idempotency-Key': 'reordered-1' });
    expect(first.status).toBe(202);
    const retry = reversed(request) as typeof request;
    expect(JSON.stringify(retry)).not.toBe(JSON.stringify(request));
    const again = await submit(retry, { 'Idempotency-Key': 'reordered-1' });
    expect(again).toMatchObject({ status: 202, body: { id: first.body.id } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Different content in any order is still another message.
    const other = await submit(
      reversed({
        ...request,
        body: { ...request.body, purpose: 'identity-verification' },
      }),
      { 'Idempotency-Key': 'reordered-1' },
    );
    expect(other).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    const stored = await rows(pair.kz, 'SELECT id FROM mxg.messages WHERE idempotency_key = $1', [
      'reordered-1',
    ]);
    expect(stored).toHaveLength(1);
  });

  it('answers submits racing with one Idempotency-Key with the one message they stored (regression: the loser got a 500 from the unique index)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        submit(registrationRequest(), { 'Idempotency-Key': 'race-1' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const stored = await rows(pair.kz, 'SELECT id FROM mxg.messages WHERE idempotency_key = $1', [
      'race-1',
    ]);
    expect(stored).toHaveLength(1);
  });

  it('delivers the same envelope published twice to the national system once', async () => {
    const { body } = await submit();
    await delivered(pair.kz, 'KZ-MVD', body.id);
    const envelope = await sentEnvelope(body.id);
    await publishAs(pair, 'KZ', 'AZ', [
      { content: envelope, messageId: body.id, type: 'mxg.envelope' },
    ]);

    const duplicate = await eventually(async () => {
      const found = await rows<{ error_code: string }>(
        pair.az,
        `SELECT error_code FROM mxg.audit_entries WHERE message_id = $1 AND event_type = 'message.received' AND outcome = 'failure'`,
        [body.id],
      );
      return found[0];
    });
    expect(duplicate.error_code).toBe('DUPLICATE_MESSAGE');
    expect(
      await rows(pair.az, 'SELECT id FROM mxg.messages WHERE id = $1', [body.id]),
    ).toHaveLength(1);
    const inbox = await pair.az.api<View>('AZ-DMX', 'GET', '/v1/inbox');
    expect(inbox.body.messages!.filter((m) => m.id === body.id)).toHaveLength(1);
  });

  it('dead-letters a tampered envelope with its error code, audits it, and keeps consuming', async () => {
    const { body } = await submit();
    await delivered(pair.kz, 'KZ-MVD', body.id);
    const tampered = Buffer.from(await sentEnvelope(body.id));
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    await publishAs(pair, 'KZ', 'AZ', [
      { content: tampered, messageId: body.id, type: 'mxg.envelope' },
      { content: Buffer.from('not CMS at all'), messageId: 'garbage-1', type: 'mxg.envelope' },
    ]);

    const dead = await deadLetters(pair, 'AZ', 2);
    expect(Object.fromEntries(dead)).toEqual({
      [body.id]: 'SIGNATURE_INVALID',
      'garbage-1': 'MALFORMED_ENVELOPE',
    });

    const audited = await rows<{ error_code: string }>(
      pair.az,
      `SELECT error_code FROM mxg.audit_entries WHERE event_type = 'message.rejected' ORDER BY id`,
    );
    expect(audited.map((r) => r.error_code)).toEqual(
      expect.arrayContaining(['SIGNATURE_INVALID', 'MALFORMED_ENVELOPE']),
    );

    // The consumer kept running: the next message arrives as usual.
    const next = await submit();
    await inInbox(pair.az, 'AZ-DMX', next.body.id);
  });

  it('#10.12 answers an OpenSSL-made envelope (no routing header) refused past its seal with a negative receipt, audited under its message id', async () => {
    const certs = MxgConfigService.load().paths.certs;
    const kzPki = partyPkiPaths(certs, 'KZ');
    // Sealed by KZ's gateway; signed by KZ-MTSZN's signatory for a message from KZ-MVD (MIG-9.3).
    const message = migRequest(new Date());
    const envelope = opensslEnvelope({
      message: encodeMessage(message),
      signatory: kzPki.signatory('kz-mtszn-committee-head'),
      recipientCertificate: partyPkiPaths(certs, 'AZ').gateway.encryption.certificate,
      seal: kzPki.gateway.seal,
    });
    const id = message.header.id;
    // No transport properties beyond the type: OpenSSL's user has no MXG headers to set.
    await publishRaw(pair, 'AZ', [{ bytes: envelope, properties: { type: 'mxg.envelope' } }]);

    // AZ refused it under the message id the seal authenticates, and answered KZ's gateway,
    // which never sent that message and says so on its own dead-letter queue.
    expect(Object.fromEntries(await deadLetters(pair, 'AZ', 1))).toEqual({
      [id]: 'SIGNATORY_NOT_AUTHORISED',
    });
    const dead = await deadLetters(pair, 'KZ', 1);
    expect(Object.fromEntries(dead)).toEqual({ [`receipt:${id}`]: 'RECEIPT_UNKNOWN_MESSAGE' });
    // AZ records what it published once the broker confirmed it: KZ may have read it before.
    const audited = await eventually(
      async () => {
        const found = await rows<{ event_type: string; error_code: string | null }>(
          pair.az,
          `SELECT event_type, error_code FROM mxg.audit_entries WHERE message_id = $1 ORDER BY id`,
          [id],
        );
        return found.length >= 3 ? found : undefined;
      },
      10_000,
      'the dead letter and the receipt on the record',
    );
    // The refusal comes first; the relay then publishes the dead letter and the receipt.
    expect(audited[0]).toEqual({
      event_type: 'message.rejected',
      error_code: 'SIGNATORY_NOT_AUTHORISED',
    });
    expect(audited.slice(1)).toEqual(
      expect.arrayContaining([
        { event_type: 'message.dead-lettered', error_code: 'SIGNATORY_NOT_AUTHORISED' },
        { event_type: 'receipt.sent', error_code: null },
      ]),
    );
    expect(audited).toHaveLength(3);
    expect(await rows(pair.az, `SELECT 1 FROM mxg.messages WHERE id = $1`, [id])).toHaveLength(0);
  });

  it('refuses a receipt for a message it never sent, or with another digest, and dead-letters it', async () => {
    const { body } = await submit();
    await delivered(pair.kz, 'KZ-MVD', body.id);
    const certs = MxgConfigService.load().paths.certs;
    const seal = await new FileKeyStore(certs, 'AZ').seal();
    const receipt = (messageId: string, digest: string) =>
      signReceipt(
        {
          format: 'mxg-receipt/1',
          messageId,
          digest,
          status: 'accepted',
          code: null,
          from: 'AZ',
          to: 'KZ',
          receivedAt: new Date().toISOString(),
        },
        seal,
        defaultAlgorithmPolicy(),
        new Date(),
      );
    const unknownId = randomUUID();
    // Forged by whoever holds AZ's AMQP password (AZ's seal is real: only the content lies).
    await publishAs(pair, 'AZ', 'KZ', [
      {
        content: await receipt(unknownId, body.digest),
        messageId: `receipt:${unknownId}`,
        type: 'mxg.receipt',
      },
      {
        content: await receipt(body.id, `sha256:${'0'.repeat(64)}`),
        messageId: `receipt:${body.id}`,
        type: 'mxg.receipt',
      },
    ]);
    const dead = await deadLetters(pair, 'KZ', 2);
    expect(Object.fromEntries(dead)).toEqual({
      [`receipt:${unknownId}`]: 'RECEIPT_UNKNOWN_MESSAGE',
      [`receipt:${body.id}`]: 'RECEIPT_DIGEST_MISMATCH',
    });
    const audited = await rows<{ error_code: string }>(
      pair.kz,
      `SELECT error_code FROM mxg.audit_entries
        WHERE event_type = 'receipt.received' AND outcome = 'failure'
          AND details->>'claimedMessageId' = ANY($1)`,
      [[`receipt:${unknownId}`, `receipt:${body.id}`]],
    );
    expect(audited.map((r) => r.error_code).sort()).toEqual([
      'RECEIPT_DIGEST_MISMATCH',
      'RECEIPT_UNKNOWN_MESSAGE',
    ]);
    // The genuine receipt stands: still delivered, one receipt on record.
    expect((await pair.kz.api<View>('KZ-MVD', 'GET', `/v1/messages/${body.id}`)).body.status).toBe(
      'delivered',
    );
    expect(
      await rows(pair.kz, `SELECT 1 FROM mxg.receipts WHERE message_id = $1`, [body.id]),
    ).toHaveLength(1);
  });

  it('lets no party’s AMQP user consume another party’s queue', async () => {
    const connection = await pair.broker.connectUser('KZ');
    const channel = await connection.createChannel();
    const refused = new Promise<Error>((resolve) => channel.once('error', resolve));
    await expect(channel.consume(inboxQueue('AZ'), () => undefined)).rejects.toThrow(
      /ACCESS_REFUSED/,
    );
    expect((await refused).message).toMatch(/403/);
    await connection.close();
  });

  describe('refuses bad input with a specific code, and audits it', () => {
    it('malformed JSON', async () => {
      const response = await fetch(`http://127.0.0.1:${pair.kz.port}/v1/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${pair.kz.token('KZ-MVD')}`,
          'content-type': 'application/json',
        },
        body: '{"agreement": "MIG",',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'MALFORMED_JSON' });
    });

    it('a request without purpose, legal basis or justification (MIG-9.2, MIG-11.2)', async () => {
      const without: Record<string, unknown> = { ...registrationRequest().body };
      delete without.purpose;
      delete without.legalBasis;
      delete without.justification;
      const { status, body } = await submit({ ...registrationRequest(), body: without });
      expect(status).toBe(400);
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.errors).toEqual([
        expect.objectContaining({
          field: 'body.purpose',
          rule: 'FIELD_REQUIRED',
          treaty: 'MIG-11.2',
        }),
        expect.objectContaining({
          field: 'body.legalBasis',
          rule: 'FIELD_REQUIRED',
          treaty: 'MIG-9.2',
        }),
        expect.objectContaining({
          field: 'body.justification',
          rule: 'FIELD_REQUIRED',
          treaty: 'MIG-9.2',
        }),
      ]);
    });

    it('a field the API does not define', async () => {
      const { status, body } = await submit({ ...registrationRequest(), priority: 'high' });
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({ field: 'priority', rule: 'whitelistValidation' }),
      ]);
    });

    it('a signatory not on the sending authority’s list (MIG-9.3)', async () => {
      const { status, body } = await submit({
        ...registrationRequest(),
        signatory: 'kz-mtszn-committee-head',
      });
      expect(status).toBe(403);
      expect(body.code).toBe('SIGNATORY_NOT_AUTHORISED');
    });

    it('a message type the agreement does not provide for', async () => {
      // A valid RET claim body, so that only the type is wrong under MIG.
      const { status, body } = await submit({
        ...registrationRequest(),
        type: 'reimbursement-claim',
        body: exampleMessage('reimbursement-claim').body,
      });
      expect(status).toBe(422);
      expect(body.code).toBe('MESSAGE_TYPE_NOT_ALLOWED');
    });

    it('an oversize payload', async () => {
      const big = {
        ...registrationRequest(),
        body: { ...registrationRequest().body, otherInformation: 'я'.repeat(3 * 1024 * 1024) },
      };
      const { status, body } = await submit(big);
      expect(status).toBe(413);
      expect(body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('no token, a wrong role, another authority’s message', async () => {
      const anonymous = await fetch(`http://127.0.0.1:${pair.kz.port}/v1/messages`, {
        method: 'POST',
      });
      expect(anonymous.status).toBe(401);
      expect(
        (await pair.kz.api('auditor', 'POST', '/v1/messages', registrationRequest())).status,
      ).toBe(403);
      const { body } = await submit();
      expect((await pair.kz.api<View>('KZ-MTSZN', 'GET', `/v1/messages/${body.id}`)).status).toBe(
        404,
      );
      expect((await pair.kz.api<View>('auditor', 'GET', `/v1/messages/${body.id}`)).status).toBe(
        200,
      );
    });

    it('puts refused submissions on the audit record by code', async () => {
      const failures = await rows<{ error_code: string }>(
        pair.kz,
        `SELECT error_code FROM mxg.audit_entries WHERE event_type = 'message.submitted' AND outcome = 'failure'`,
      );
      expect(failures.map((f) => f.error_code)).toEqual(
        expect.arrayContaining([
          'VALIDATION_FAILED',
          'SIGNATORY_NOT_AUTHORISED',
          'MESSAGE_TYPE_NOT_ALLOWED',
        ]),
      );
    });
  });
});
