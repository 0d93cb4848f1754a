import { createHash, randomBytes } from 'node:crypto';
import { ENVELOPE_OVERHEAD_BYTES, MxgConfigService } from '@mxg/config';
import {
  encodeMessage,
  FileKeyStore,
  FileTrustStore,
  MAX_RECEIPT_BYTES,
  type MxgMessage,
  sealEnvelope,
} from '@mxg/envelope';
import { auditCounts, statusBecomes, storedIncoming, submit } from './support/exchange-checks';
import {
  createExchangePair,
  eventually,
  type ExchangePair,
  registrationRequest,
} from './support/exchange-pair';
import { sql } from './support/faults';
import { migRequest } from './support/pki-fixture';
import { publishRaw, takeDeadLetters } from './support/raw-delivery';
import type { TestDatabase } from './support/test-database';

/** The production defaults, which this pair runs with. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const MAX_ENVELOPE_BYTES = MAX_MESSAGE_BYTES + ENVELOPE_OVERHEAD_BYTES;
const MB = 1_000_000;

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Rejection {
  error_code: string;
  message_id: string | null;
  details: Record<string, unknown>;
}

/** The `message.rejected` entry of the delivery published with transport id `claimed`. */
const rejectionOf = (db: TestDatabase, claimed: string) =>
  eventually(
    async () =>
      (
        await sql<Rejection>(
          db,
          `SELECT error_code, message_id, details FROM mxg.audit_entries
            WHERE event_type = 'message.rejected' AND details->>'claimedMessageId' = $1`,
          [claimed],
        )
      )[0],
    30_000,
    `the rejection of ${claimed}`,
  );

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
const byMessageId = (a: { message_id: string }, b: { message_id: string }) =>
  a.message_id.localeCompare(b.message_id);

/** Every outbox row published (the relay commits after the broker confirmed), then their sizes. */
async function publishedOutbox(db: TestDatabase) {
  await eventually(
    async () =>
      (
        await sql<{ n: number }>(
          db,
          `SELECT count(*)::int AS n FROM mxg.outbox WHERE published_at IS NULL`,
        )
      )[0].n === 0 || undefined,
    30_000,
    'the outbox published',
  );
  return sql<{ kind: string; message_id: string; bytes: number | null }>(
    db,
    `SELECT kind, message_id, octet_length(payload) AS bytes FROM mxg.outbox ORDER BY id`,
  );
}

describe('#10.9 size limits on receipt: evidence, not payloads', () => {
  let pair: ExchangePair;

  beforeAll(async () => {
    pair = await createExchangePair();
  }, 90_000);
  afterAll(async () => {
    await pair?.close();
  });

  it('#10.9 refuses an 8 MB and a 20 MB garbage delivery unopened as ENVELOPE_TOO_LARGE: audited with size and digest, dead-lettered without the payload, nothing stored, no payload row left, and keeps receiving', async () => {
    const deliveries = [
      { id: 'oversize-8mb', bytes: randomBytes(8 * MB) },
      { id: 'oversize-20mb', bytes: randomBytes(20 * MB) },
    ];
    await publishRaw(
      pair,
      'AZ',
      deliveries.map(({ id, bytes }) => ({
        bytes,
        properties: { messageId: id, type: 'mxg.envelope' },
      })),
    );

    for (const { id, bytes } of deliveries) {
      const rejection = await rejectionOf(pair.az.db, id);
      expect(rejection).toMatchObject({
        error_code: 'ENVELOPE_TOO_LARGE',
        message_id: null,
        details: {
          claimedKind: 'envelope',
          deliveryBytes: bytes.length,
          deliverySha256: sha256(bytes),
          limitBytes: MAX_ENVELOPE_BYTES,
          payloadKept: false,
        },
      });
    }

    // The consumer handles deliveries concurrently (prefetch): compare in id order.
    const dead = await takeDeadLetters(pair, 'AZ', 2);
    expect(
      dead
        .map((d) => ({
          id: d.properties.messageId as unknown,
          bytes: d.content.length,
          headers: d.properties.headers,
        }))
        .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    ).toEqual(
      [...deliveries].sort(byId).map(({ id, bytes }) => ({
        id,
        bytes: 0,
        headers: expect.objectContaining({
          'x-mxg-error-code': 'ENVELOPE_TOO_LARGE',
          'x-mxg-delivery-bytes': String(bytes.length),
          'x-mxg-delivery-sha256': sha256(bytes),
          'x-mxg-payload': 'omitted',
        }),
      })),
    );

    // Nothing stored, no receipt for anyone, and no payload kept in the outbox.
    expect(await storedIncoming(pair.az)).toEqual([]);
    const outbox = await publishedOutbox(pair.az.db);
    expect(outbox.slice(0, 2).sort(byMessageId)).toEqual(
      [...deliveries]
        .sort(byId)
        .map(({ id }) => ({ kind: 'dead-letter', message_id: id, bytes: null })),
    );
    expect(outbox).toHaveLength(2);

    // Still receiving: the next message is stored, and its receipt row keeps no second copy.
    const next = await submit(pair);
    await statusBecomes(pair.kz, next, 'delivered');
    expect(await storedIncoming(pair.az)).toEqual([next]);
    expect((await publishedOutbox(pair.az.db)).slice(2)).toEqual([
      { kind: 'receipt', message_id: next, bytes: null },
    ]);
  }, 120_000);

  it('#10.9 accepts the envelope of a message of maxMessageBytes, and refuses a validly sealed envelope over maxEnvelopeBytes unopened, without a receipt', async () => {
    // A misbehaving KZ gateway: its real keys, sealing in-process with no limit of its own.
    const config = MxgConfigService.load();
    const certs = config.paths.certs;
    const trust = new FileTrustStore(certs, config.treaty);
    const kz = new FileKeyStore(certs, 'KZ');
    const az = new FileKeyStore(certs, 'AZ');
    const seal = async (padding: number) => {
      const now = new Date();
      const message: MxgMessage = migRequest(now);
      // Padded in a free-text field of the request body, so the body itself is valid (#11).
      const padded = (text: string) => ({
        ...message,
        body: { ...message.body, otherInformation: `Дополнительно ${text}` },
      });
      const base = encodeMessage(padded('')).length;
      const sealed = await sealEnvelope({
        message: padded('a'.repeat(padding - base)),
        signatory: await kz.signatory('kz-mvd-deputy-minister'),
        seal: await kz.seal(),
        recipient: (await az.decryption())[0].certificate,
        trust,
        policy: config.treaty.agreement('MIG').algorithms,
        signingTime: now,
      });
      expect(sealed.content.length).toBe(padding);
      return sealed;
    };
    const delivery = ({ header, envelope }: Awaited<ReturnType<typeof seal>>) => ({
      bytes: envelope,
      properties: { messageId: header.id, type: 'mxg.envelope' },
    });

    const largest = await seal(MAX_MESSAGE_BYTES);
    const over = await seal(MAX_ENVELOPE_BYTES);
    expect(largest.envelope.length).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
    expect(over.envelope.length).toBeGreaterThan(MAX_ENVELOPE_BYTES);
    await publishRaw(pair, 'AZ', [delivery(over), delivery(largest)]);

    const rejection = await rejectionOf(pair.az.db, over.header.id);
    expect(rejection).toMatchObject({
      error_code: 'ENVELOPE_TOO_LARGE',
      message_id: null,
      details: {
        deliveryBytes: over.envelope.length,
        deliverySha256: sha256(over.envelope),
        payloadKept: false,
      },
    });
    // The largest message the API accepts arrives (it was published after the refused one).
    await eventually(
      async () => (await storedIncoming(pair.az)).includes(largest.header.id) || undefined,
      30_000,
      'the largest message stored',
    );
    // Unopened: not stored, not verified, no negative receipt; evidence only.
    expect(await storedIncoming(pair.az)).not.toContain(over.header.id);
    expect((await auditCounts(pair.az, 'message.received')).has(over.header.id)).toBe(false);
    const rows = (await publishedOutbox(pair.az.db)).filter((r) => r.message_id === over.header.id);
    expect(rows).toEqual([{ kind: 'dead-letter', message_id: over.header.id, bytes: null }]);
    const [dead] = await takeDeadLetters(pair, 'AZ', 1);
    expect(dead.content.length).toBe(0);
    expect(dead.properties.headers).toMatchObject({
      'x-mxg-error-code': 'ENVELOPE_TOO_LARGE',
      'x-mxg-delivery-sha256': sha256(over.envelope),
    });
  }, 120_000);

  it('#10.9 refuses a receipt delivery over the receipt bound as RECEIPT_TOO_LARGE, though within the envelope limit; one within it is refused as before, with its size and digest', async () => {
    const bytes = randomBytes(MAX_RECEIPT_BYTES + 1);
    const small = randomBytes(1000);
    await publishRaw(pair, 'KZ', [
      { bytes, properties: { messageId: 'receipt:oversize', type: 'mxg.receipt' } },
      { bytes: small, properties: { messageId: 'receipt:garbage', type: 'mxg.receipt' } },
    ]);
    const refused = await eventually(
      async () =>
        (
          await sql<Rejection>(
            pair.kz.db,
            `SELECT error_code, message_id, details FROM mxg.audit_entries
              WHERE event_type = 'receipt.received' AND details->>'claimedMessageId' = $1`,
            ['receipt:garbage'],
          )
        )[0],
      30_000,
      'the small receipt refused',
    );
    expect(refused.error_code).not.toBe('RECEIPT_TOO_LARGE');
    expect(refused.details).toMatchObject({ deliveryBytes: 1000, deliverySha256: sha256(small) });
    expect(await rejectionOf(pair.kz.db, 'receipt:oversize')).toMatchObject({
      error_code: 'RECEIPT_TOO_LARGE',
      details: {
        claimedKind: 'receipt',
        deliveryBytes: bytes.length,
        deliverySha256: sha256(bytes),
        limitBytes: MAX_RECEIPT_BYTES,
      },
    });
    // (AZ's receipt for the message sealed by hand above is dead-lettered at KZ too: unknown.)
    const [dead] = await takeDeadLetters(
      pair,
      'KZ',
      1,
      (m) => m.properties.messageId === 'receipt:oversize',
    );
    expect(dead.content.length).toBe(0);
    expect(dead.properties.headers).toMatchObject({ 'x-mxg-error-code': 'RECEIPT_TOO_LARGE' });
    // Both dead letters published; neither row keeps a payload.
    const rows = (await publishedOutbox(pair.kz.db))
      .filter((r) => ['receipt:oversize', 'receipt:garbage'].includes(r.message_id))
      .sort(byMessageId);
    expect(rows).toEqual([
      { kind: 'dead-letter', message_id: 'receipt:garbage', bytes: null },
      { kind: 'dead-letter', message_id: 'receipt:oversize', bytes: null },
    ]);
  }, 60_000);

  it('#10.9 refuses at submit a body within maxMessageBytes whose canonical form would make a larger envelope (1e20 is 21 digits): no body field takes numbers (#11, FIELD_NOT_ALLOWED), so it never reaches sealing; nothing stored, audited', async () => {
    const head = JSON.stringify(registrationRequest()).slice(0, -2);
    const count = Math.floor((MAX_MESSAGE_BYTES - Buffer.byteLength(head) - 32) / 5);
    const raw = `${head},"figures":[${Array(count).fill('1e20').join(',')}]}}`;
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const outgoing = async () =>
      (
        await sql<{ n: number }>(
          pair.kz.db,
          `SELECT count(*)::int AS n FROM mxg.messages WHERE direction = 'outgoing'`,
        )
      )[0].n;
    const before = await outgoing();

    const response = await fetch(`http://127.0.0.1:${pair.kz.port}/v1/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${pair.kz.token('KZ-MVD')}`,
        'content-type': 'application/json',
      },
      body: raw,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; errors: unknown[] };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors).toEqual([
      expect.objectContaining({ field: 'body.figures', rule: 'FIELD_NOT_ALLOWED' }),
    ]);
    expect(await outgoing()).toBe(before);
    expect(
      await sql(
        pair.kz.db,
        `SELECT 1 FROM mxg.audit_entries WHERE event_type = 'message.submitted'
          AND outcome = 'failure' AND error_code = 'VALIDATION_FAILED'`,
      ),
    ).toHaveLength(1);
  }, 120_000);
});
