import { Client, escapeIdentifier } from 'pg';
import { MIGRATIONS_TABLE, MXG_SCHEMA } from './database.constants';
import { connectOrExplain, postgresClientConfig } from './database-tls';
import { MIGRATIONS } from './migrations';

/**
 * The migrations this build knows that the database has not applied, in order, read with any
 * role that may read the schema — the application role, which cannot apply them. A gateway
 * started with MXG_RUN_MIGRATIONS=false holds no schema-owner credentials and asks this instead
 * (#17): the migrations are a step of their own (`mxg db migrate`, as the schema owner).
 */
export async function pendingMigrations(url: string): Promise<string[]> {
  const client = new Client(postgresClientConfig(url, { application_name: 'mxg-migration-check' }));
  await connectOrExplain(() => client.connect());
  try {
    const table = `${escapeIdentifier(MXG_SCHEMA)}.${escapeIdentifier(MIGRATIONS_TABLE)}`;
    const exists = await client.query<{ oid: string | null }>('SELECT to_regclass($1) AS oid', [
      table,
    ]);
    const applied =
      exists.rows[0].oid === null
        ? new Set<string>()
        : new Set(
            (await client.query<{ name: string }>(`SELECT name FROM ${table}`)).rows.map(
              (r) => r.name,
            ),
          );
    return MIGRATIONS.map((migration) => new migration().name ?? migration.name).filter(
      (name) => !applied.has(name),
    );
  } finally {
    await client.end();
  }
}
