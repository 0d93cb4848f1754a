import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { MxgConfigService } from '@mxg/config';
import { decodeMessage, FileDataKeyWrapper, openMessageContent } from '@mxg/envelope';
import { partyPkiPaths } from '@mxg/pki';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';

/** A distinctive test person: none of this may be readable in either database (MIG-11.4). */
const PERSON = {
  latin: 'QUILLFEATHERZZYZX',
  cyrillic: 'Квиллфезерзызкс',
  document: 'ZQ98765432',
  birthDate: '1987-11-23',
};

function distinctiveRequest() {
  const request = registrationRequest();
  const [person] = request.body.persons as Record<string, unknown>[];
  const body = {
    ...request.body,
    persons: [
      {
        ...person,
        surname: { cyrillic: PERSON.cyrillic, latin: PERSON.latin },
        birthDate: PERSON.birthDate,
        document: { ...(person.document as object), number: PERSON.document },
      },
    ],
  };
  return { ...request, body };
}

interface View {
  id: string;
  status: string;
  body?: Record<string, unknown>;
  code?: string;
}

async function query<T>(gateway: GatewayUnderTest, sql: string, params: unknown[] = []) {
  const client = new Client({ connectionString: gateway.db.ownerUrl });
  await client.connect();
  try {
    return (await client.query<T & Record<string, unknown>>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Which of the person's details a stored value reveals: as bytes, and as PostgreSQL's hex text. */
function revealed(bytes: Buffer, hexText: string): string[] {
  return Object.values(PERSON).filter(
    (value) =>
      bytes.includes(Buffer.from(value, 'utf8')) ||
      hexText.includes(Buffer.from(value, 'utf8').toString('hex')),
  );
}

describe('message content encrypted at rest across two gateways (MIG-11.4, MIG-11.5)', () => {
  let pair: ExchangePair;
  let work: string;
  let id: string;
  const certs = MxgConfigService.load().paths.certs;

  beforeAll(async () => {
    pair = await createExchangePair();
    work = mkdtempSync(join(tmpdir(), 'mxg-at-rest-'));
    const submitted = await pair.kz.api<View>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      distinctiveRequest(),
    );
    expect(submitted.status).toBe(202);
    id = submitted.body.id;
    await eventually(
      async () => {
        const { body } = await pair.kz.api<View>('KZ-MVD', 'GET', `/v1/messages/${id}`);
        return body.status === 'delivered' ? body : undefined;
      },
      20_000,
      `message ${id} delivered`,
    );
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('stores no plaintext of the person on either gateway: content and signed original are ciphertext with a key row', async () => {
    for (const gateway of [pair.kz, pair.az]) {
      const rows = await query<{
        content: Buffer;
        signed: Buffer;
        envelope: Buffer | null;
        content_hex: string;
        signed_hex: string;
        envelope_hex: string | null;
        kek: string | null;
      }>(
        gateway,
        `SELECT c.content, c.signed, c.envelope, c.content::text AS content_hex,
                c.signed::text AS signed_hex, c.envelope::text AS envelope_hex, k.kek
           FROM mxg.message_contents c LEFT JOIN mxg.message_keys k USING (message_id)
          WHERE c.message_id = $1`,
        [id],
      );
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row.kek).toMatch(/^file:[0-9a-f]{32}$/);
      expect(row.content[0]).toBe(0x01);
      expect(row.signed[0]).toBe(0x01);
      expect(revealed(row.content, row.content_hex)).toEqual([]);
      expect(revealed(row.signed, row.signed_hex)).toEqual([]);
      // KZ keeps the envelope as sent: encrypted for AZ's key, left as it is.
      if (row.envelope) expect(revealed(row.envelope, row.envelope_hex ?? '')).toEqual([]);
    }
    // Each gateway wraps under its own KEK.
    const [kzKey] = await query<{ kek: string }>(pair.kz, `SELECT kek FROM mxg.message_keys`);
    const [azKey] = await query<{ kek: string }>(pair.az, `SELECT kek FROM mxg.message_keys`);
    expect(kzKey.kek).not.toBe(azKey.kek);
  });

  it('still answers the body and the signed original, which OpenSSL verifies', async () => {
    const read = await pair.az.api<View>('AZ-DMX', 'GET', `/v1/inbox/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.body).toEqual(distinctiveRequest().body);

    for (const [gateway, client] of [
      [pair.az, 'AZ-DMX'],
      [pair.kz, 'KZ-MVD'],
    ] as const) {
      const signed = await gateway.api<Buffer>(client, 'GET', `/v1/messages/${id}/signed`);
      expect(signed.status).toBe(200);
      const file = join(work, `${gateway.id}.p7s`);
      writeFileSync(file, signed.body);
      const openssl = spawnSync('openssl', [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        file,
        '-CAfile',
        partyPkiPaths(certs, 'KZ').caCertificate,
      ]);
      expect(openssl.stderr.toString()).toContain('Verification successful');
      expect(openssl.stdout.toString()).toContain(PERSON.latin);
    }
  });

  it('encrypts content stored before encryption when the gateway starts again, and serves it throughout', async () => {
    // AZ's row as a gateway before MIG-11.4 stored it: plaintext, no key row.
    const keys = await FileDataKeyWrapper.load(certs, 'AZ');
    await pair.az.stop();
    const [row] = await query<{ content: Buffer; signed: Buffer; kek: string; wrapped: Buffer }>(
      pair.az,
      `SELECT c.content, c.signed, k.kek, k.wrapped FROM mxg.message_contents c
         JOIN mxg.message_keys k USING (message_id) WHERE c.message_id = $1`,
      [id],
    );
    const plain = await openMessageContent(keys, id, row, row);
    expect(decodeMessage(plain.content).header.id).toBe(id);
    await query(
      pair.az,
      `WITH d AS (DELETE FROM mxg.message_keys WHERE message_id = $1)
       UPDATE mxg.message_contents SET content = $2, signed = $3 WHERE message_id = $1`,
      [id, plain.content, plain.signed],
    );

    await pair.az.start();
    const encrypted = await eventually(
      async () => {
        const [now] = await query<{ content: Buffer; signed: Buffer; kek: string | null }>(
          pair.az,
          `SELECT c.content, c.signed, k.kek FROM mxg.message_contents c
             LEFT JOIN mxg.message_keys k USING (message_id) WHERE c.message_id = $1`,
          [id],
        );
        return now.kek === null ? undefined : now;
      },
      20_000,
      'the legacy row encrypted',
    );
    expect(encrypted.content[0]).toBe(0x01);
    expect(encrypted.content.includes(Buffer.from(PERSON.latin))).toBe(false);
    expect(encrypted.signed.includes(Buffer.from(PERSON.latin))).toBe(false);
    const read = await pair.az.api<View>('AZ-DMX', 'GET', `/v1/inbox/${id}`);
    expect(read.body.body).toEqual(distinctiveRequest().body);
  }, 60_000);

  it('refuses a tampered ciphertext with its own code, never returning it', async () => {
    await query(
      pair.kz,
      `UPDATE mxg.message_contents SET signed = set_byte(signed, 40, get_byte(signed, 40) # 1)
        WHERE message_id = $1`,
      [id],
    );
    const signed = await pair.kz.api<View>('KZ-MVD', 'GET', `/v1/messages/${id}/signed`);
    expect(signed.status).toBe(500);
    expect(signed.body.code).toBe('CONTENT_AUTHENTICATION_FAILED');
  });

  it('answers 410 MESSAGE_DESTROYED once the data key and ciphertext are erased (crypto-shredding)', async () => {
    await query(
      pair.az,
      `WITH k AS (DELETE FROM mxg.message_keys WHERE message_id = $1)
       DELETE FROM mxg.message_contents WHERE message_id = $1`,
      [id],
    );
    const read = await pair.az.api<View>('AZ-DMX', 'GET', `/v1/inbox/${id}`);
    expect(read.status).toBe(410);
    expect(read.body.code).toBe('MESSAGE_DESTROYED');
    const signed = await pair.az.api<View>('AZ-DMX', 'GET', `/v1/messages/${id}/signed`);
    expect(signed.status).toBe(410);
    expect(signed.body.code).toBe('MESSAGE_DESTROYED');
    // The record stays: the message is still known.
    expect((await pair.az.api<View>('AZ-DMX', 'GET', `/v1/messages/${id}`)).status).toBe(200);
  });
});
