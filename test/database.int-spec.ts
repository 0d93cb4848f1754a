import { Client } from 'pg';
import { MIGRATIONS, runMigrations } from '@mxg/database';
import { createTestDatabase, type TestDatabase } from './support/test-database';

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('gateway database (real PostgreSQL, real migrations)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('db', { migrate: false });
  });
  afterAll(() => db.drop());

  it('applies every listed migration once, even when several instances start together', async () => {
    const runs = await Promise.all([
      runMigrations(db.ownerUrl),
      runMigrations(db.ownerUrl),
      runMigrations(db.ownerUrl),
    ]);
    expect(runs.flat().sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
    expect(await runMigrations(db.ownerUrl)).toEqual([]);
    const recorded = await query(db.ownerUrl, 'SELECT name FROM mxg.migrations ORDER BY id');
    expect(recorded).toEqual(MIGRATIONS.map((m) => ({ name: m.name })));
  });

  it('lets the application role read and write rows', async () => {
    await query(
      db.appUrl,
      "INSERT INTO config_snapshots (gateway, party, digest) VALUES ('kz', 'KZ', repeat('a', 64))",
    );
    expect(await query(db.appUrl, 'SELECT party FROM config_snapshots')).toEqual([{ party: 'KZ' }]);
  });

  it.each([
    ['create a table', 'CREATE TABLE mxg.intruder (id int)'],
    ['alter a table', 'ALTER TABLE config_snapshots ADD COLUMN note text'],
    ['drop a table', 'DROP TABLE config_snapshots'],
    ['create a table in public', 'CREATE TABLE public.intruder (id int)'],
    ['truncate a table', 'TRUNCATE config_snapshots'],
  ])('refuses to let the application role %s', async (_what, sql) => {
    await expect(query(db.appUrl, sql)).rejects.toThrow(/permission denied|must be owner/);
  });

  it('enforces the schema constraints the migrations declare', async () => {
    await expect(
      query(
        db.appUrl,
        "INSERT INTO config_snapshots (gateway, party, digest) VALUES ('kz', 'KZ', 'not-a-digest')",
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
