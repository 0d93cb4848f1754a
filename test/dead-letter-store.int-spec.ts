import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@mxg/database';
import { DeadLetterStore } from '../apps/gateway/src/dead-letters/dead-letter.store';
import type { NewDeadLetter } from '../apps/gateway/src/dead-letters/dead-letter.types';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let sources = 0;
function newDeadLetter(overrides: Partial<NewDeadLetter> = {}): NewDeadLetter {
  const payload = randomBytes(100);
  return {
    source: `outbox:${++sources}`,
    code: 'SIGNATURE_INVALID',
    layer: 'outer',
    kind: 'envelope',
    fromParty: null,
    transportMessageId: null,
    size: payload.length,
    sha256: createHash('sha256').update(payload).digest('hex'),
    payload,
    properties: { type: 'mxg.envelope' },
    at: new Date('2026-12-06T10:00:00.000Z'),
    ...overrides,
  };
}

describe(`${DeadLetterStore.name} (the dead_letters table on the real migrations, real PostgreSQL)`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let admin: Client;
  let sut: DeadLetterStore;

  beforeAll(async () => {
    db = await createTestDatabase('dead_letters');
    dataSource = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    admin = new Client({ connectionString: db.ownerUrl });
    await admin.connect();
    sut = new DeadLetterStore(dataSource);
  });
  afterAll(async () => {
    await admin?.end();
    await dataSource?.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    await admin.query('DELETE FROM mxg.dead_letters');
  });

  it('keeps a dead letter taken in again (stopped between commit and ack) once; the same bytes dead-lettered anew twice', async () => {
    const letter = newDeadLetter();
    const first = await sut.record(letter);
    expect(first?.record).toMatchObject({ status: 'held', payloadKept: true, code: letter.code });
    expect(await sut.record(letter)).toBeUndefined();
    // The same envelope refused again after a replay: another outbox row, another dead letter.
    expect(await sut.record({ ...letter, source: 'outbox:other' })).toBeDefined();
    const { rows } = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM mxg.dead_letters WHERE sha256 = $1',
      [letter.sha256],
    );
    expect(rows[0].n).toBe(2);
  });

  it('drops the oldest beyond the bound, by count and by kept bytes', async () => {
    for (let i = 0; i < 5; i++) await sut.record(newDeadLetter());
    const kept = await sut.record(newDeadLetter(), { maxLength: 3, maxLengthBytes: 1e9 });
    expect(kept?.dropped).toBe(3);
    expect((await sut.list({ limit: 10 })).items).toHaveLength(3);
    // 100 bytes each: 250 bytes keep the newest two payloads' worth.
    const last = await sut.record(newDeadLetter(), { maxLength: 100, maxLengthBytes: 250 });
    expect(last?.dropped).toBe(2);
    const left = (await sut.list({ limit: 10 })).items;
    expect(left.map((d) => d.seq)).toEqual([last!.record.seq, kept!.record.seq]);
  });

  it('pages newest first with a filter on status, and decides a held one once, dropping its bytes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await sut.record(newDeadLetter()))!.record.id);
    const first = await sut.list({ limit: 2 });
    expect(first.items.map((d) => d.id)).toEqual([ids[2], ids[1]]);
    const second = await sut.list({ limit: 2, before: first.nextBefore! });
    expect([second.items.map((d) => d.id), second.nextBefore]).toEqual([[ids[0]], null]);

    const at = new Date('2026-12-06T11:00:00.000Z');
    const decided = await sut.transaction(async (tx) => {
      const locked = await sut.lock(tx, ids[1]);
      expect(locked?.payload).toHaveLength(100);
      return sut.decide(tx, ids[1], 'discarded', at, 'security-officer');
    });
    expect(decided).toMatchObject({
      status: 'discarded',
      payloadKept: false,
      decidedAt: at,
      decidedBy: 'security-officer',
    });
    expect(await sut.transaction((tx) => sut.decide(tx, ids[1], 'replayed', at, 'x'))).toBe(
      undefined,
    );
    expect((await sut.list({ limit: 10, status: 'discarded' })).items.map((d) => d.id)).toEqual([
      ids[1],
    ]);
    expect((await sut.list({ limit: 10, status: 'held' })).items).toHaveLength(2);
    const { rows } = await admin.query('SELECT payload FROM mxg.dead_letters WHERE id = $1', [
      ids[1],
    ]);
    expect(rows[0].payload).toBeNull();
  });

  it('refuses a decided dead letter that keeps its bytes, and an undecided one with a decision', async () => {
    const { record } = (await sut.record(newDeadLetter()))!;
    await expect(
      admin.query(`UPDATE mxg.dead_letters SET status = 'replayed' WHERE id = $1`, [record.id]),
    ).rejects.toThrow(/check constraint/);
    await expect(
      admin.query(
        `UPDATE mxg.dead_letters SET status = 'replayed', decided_at = now(), decided_by = 'x'
          WHERE id = $1`,
        [record.id],
      ),
    ).rejects.toThrow(/dead_letters_check/);
  });

  it('lets the audit log take the hyphenated dead-letter events, and the outbox a replay row', async () => {
    const { rows } = await admin.query<{ ok: boolean }>(
      `SELECT 'dead-letter.replayed' ~ substring(pg_get_constraintdef(oid) FROM '''(.*)''') AS ok
         FROM pg_constraint WHERE conname = 'audit_entries_event_type_check'`,
    );
    expect(rows).toEqual([{ ok: true }]);
    await admin.query(
      `INSERT INTO mxg.outbox (message_id, kind, exchange, routing_key, payload, properties,
                               created_at, available_at)
       VALUES ('m', 'replay', '', 'mxg.inbox.az', '\\x00', '{}', now(), now())`,
    );
  });
});
