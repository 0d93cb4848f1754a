import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@mxg/database';
import { FileDataKeyWrapper, isEncryptedColumn } from '@mxg/envelope';
import type { NewMessage } from '../apps/gateway/src/exchange/store/exchange-store.types';
import { ExchangeStore } from '../apps/gateway/src/exchange/store/exchange.store';
import { migRequest } from './support/pki-fixture';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const AT = new Date('2026-12-01T10:00:00.000Z');
/** A distinctive name that must never be found in the database in the clear. */
const PERSON = 'Zzyzx-Quillfeather';

function newMessage(): NewMessage & { content: Buffer; signed: Buffer } {
  const id = randomUUID();
  return {
    header: migRequest(AT, { id, correlationId: id }).header,
    direction: 'incoming',
    digest: `sha256:${'ab'.repeat(32)}`,
    signatoryId: 'kz-mvd-deputy-minister',
    status: 'received',
    at: AT,
    content: Buffer.from(`{"body":{"familyName":"${PERSON}"},"id":"${id}"}`),
    signed: Buffer.concat([Buffer.of(0x30, 0x82), Buffer.from(`signed ${PERSON} ${id}`)]),
  };
}

describe('message content encrypted at rest (MIG-11.4, MIG-11.5; real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSources: DataSource[];
  let admin: Client;
  let sut: ExchangeStore;
  /** Another instance of the same gateway: its own pool, the same KEK. */
  let other: ExchangeStore;
  const kek = randomBytes(32);

  const raw = async (id: string) => {
    const { rows } = await admin.query<{ content: Buffer; signed: Buffer; kek: string | null }>(
      `SELECT c.content, c.signed, k.kek FROM mxg.message_contents c
         LEFT JOIN mxg.message_keys k USING (message_id) WHERE c.message_id = $1`,
      [id],
    );
    return rows[0];
  };

  const stored = async () => {
    const m = newMessage();
    await sut.insertMessage(m);
    return m;
  };

  beforeAll(async () => {
    db = await createTestDatabase('at_rest');
    dataSources = await Promise.all(
      [1, 2].map(() => new DataSource(dataSourceOptions(db.appUrl)).initialize()),
    );
    admin = new Client({ connectionString: db.ownerUrl });
    await admin.connect();
    sut = new ExchangeStore(dataSources[0], FileDataKeyWrapper.fromKey(Buffer.from(kek)));
    other = new ExchangeStore(dataSources[1], FileDataKeyWrapper.fromKey(Buffer.from(kek)));
  });

  afterAll(async () => {
    await admin?.end();
    await Promise.all((dataSources ?? []).map((d) => d.destroy()));
    await db?.drop();
  });

  it('stores content and signed original as ciphertext with a key row, and reads them back', async () => {
    const m = await stored();
    const row = await raw(m.header.id);

    for (const column of [row.content, row.signed]) {
      expect(isEncryptedColumn(column)).toBe(true);
      expect(column.includes(Buffer.from(PERSON))).toBe(false);
    }
    expect(row.kek).toMatch(/^file:[0-9a-f]{32}$/);
    expect(await sut.content(m.header.id)).toEqual({
      state: 'available',
      content: m.content,
      signed: m.signed,
      envelope: null,
    });
  });

  it('gives each message its own data key', async () => {
    const [a, b] = await Promise.all([stored(), stored()]);
    const { rows } = await admin.query<{ wrapped: Buffer }>(
      `SELECT wrapped FROM mxg.message_keys WHERE message_id = ANY ($1::uuid[])`,
      [[a.header.id, b.header.id]],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].wrapped.equals(rows[1].wrapped)).toBe(false);
  });

  it('refuses a ciphertext moved to another message: CONTENT_AUTHENTICATION_FAILED', async () => {
    const [a, b] = await Promise.all([stored(), stored()]);
    await admin.query(
      `UPDATE mxg.message_contents SET content = (SELECT content FROM mxg.message_contents WHERE message_id = $1)
        WHERE message_id = $2`,
      [a.header.id, b.header.id],
    );
    await expect(sut.content(b.header.id)).rejects.toThrow('CONTENT_AUTHENTICATION_FAILED');
    expect(await sut.content(a.header.id)).toMatchObject({ state: 'available' });
  });

  it('refuses a ciphertext moved to the other column, or altered in one byte', async () => {
    const [a, b] = await Promise.all([stored(), stored()]);
    await admin.query(`UPDATE mxg.message_contents SET signed = content WHERE message_id = $1`, [
      a.header.id,
    ]);
    await admin.query(
      `UPDATE mxg.message_contents SET content = set_byte(content, 20, get_byte(content, 20) # 1)
        WHERE message_id = $1`,
      [b.header.id],
    );
    await expect(sut.content(a.header.id)).rejects.toThrow('CONTENT_AUTHENTICATION_FAILED');
    await expect(sut.content(b.header.id)).rejects.toThrow('CONTENT_AUTHENTICATION_FAILED');
  });

  it('refuses a data key wrapped by a KEK it does not hold: KEK_UNKNOWN', async () => {
    const m = await stored();
    const stranger = new ExchangeStore(dataSources[0], FileDataKeyWrapper.fromKey(randomBytes(32)));
    await expect(stranger.content(m.header.id)).rejects.toThrow('KEK_UNKNOWN');
  });

  it('says `destroyed` once the key row — or key and content — is gone, `undefined` for no message', async () => {
    const [keyGone, bothGone] = await Promise.all([stored(), stored()]);
    await admin.query(`DELETE FROM mxg.message_keys WHERE message_id = ANY ($1::uuid[])`, [
      [keyGone.header.id, bothGone.header.id],
    ]);
    await admin.query(`DELETE FROM mxg.message_contents WHERE message_id = $1`, [
      bothGone.header.id,
    ]);

    expect(await sut.content(keyGone.header.id)).toEqual({ state: 'destroyed' });
    expect(await sut.content(bothGone.header.id)).toEqual({ state: 'destroyed' });
    expect(await sut.content(randomUUID())).toBeUndefined();
    expect(await sut.content('not-a-uuid')).toBeUndefined();
  });

  it('encrypts rows from before encryption, with two instances at once, each exactly once', async () => {
    // Rows as the gateway stored them before MIG-11.4: plaintext, no key row.
    const legacy = await Promise.all(Array.from({ length: 23 }, () => stored()));
    const ids = legacy.map((m) => m.header.id);
    for (const m of legacy) {
      await admin.query(
        `UPDATE mxg.message_contents SET content = $2, signed = $3 WHERE message_id = $1`,
        [m.header.id, m.content, m.signed],
      );
    }
    await admin.query(`DELETE FROM mxg.message_keys WHERE message_id = ANY ($1::uuid[])`, [ids]);
    // A shredded message (ciphertext without its key) is no legacy row: left as it is.
    const shredded = await stored();
    await admin.query(`DELETE FROM mxg.message_keys WHERE message_id = $1`, [shredded.header.id]);
    const shreddedBefore = await raw(shredded.header.id);
    // Until encrypted, a legacy row reads as it was stored.
    expect(await sut.content(ids[0])).toMatchObject({
      state: 'available',
      content: legacy[0].content,
    });

    const drain = async (store: ExchangeStore) => {
      let taken = 0;
      for (let n; (n = await store.encryptLegacyContents(3)) > 0;) taken += n;
      return taken;
    };
    const [byOne, byOther] = await Promise.all([drain(sut), drain(other)]);

    expect(byOne + byOther).toBeGreaterThanOrEqual(23);
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM mxg.message_keys WHERE message_id = ANY ($1::uuid[])`,
      [ids],
    );
    expect(rows[0].n).toBe(23);
    for (const m of legacy) {
      const row = await raw(m.header.id);
      expect(isEncryptedColumn(row.content) && isEncryptedColumn(row.signed)).toBe(true);
      expect(row.content.includes(Buffer.from(PERSON))).toBe(false);
      // Encrypted once: decrypting gives the plaintext, not a ciphertext of it.
      expect(await sut.content(m.header.id)).toMatchObject({
        state: 'available',
        content: m.content,
        signed: m.signed,
      });
    }
    expect(await raw(shredded.header.id)).toEqual(shreddedBefore);
    expect(await sut.content(shredded.header.id)).toEqual({ state: 'destroyed' });
    // Idempotent: nothing is left to take.
    expect(await sut.encryptLegacyContents(100)).toBe(0);
  });
});
