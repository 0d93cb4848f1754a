import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATION_LOCK_KEY } from './database.constants';
import { dataSourceOptions } from './data-source-options';
import { connectOrExplain, postgresClientConfig } from './database-tls';

/**
 * Applies pending migrations as the schema owner. Several gateway instances may start at once,
 * and TypeORM takes no lock between them, so the run happens under a PostgreSQL advisory lock.
 * Returns the names of the migrations applied by this call.
 */
export async function runMigrations(ownerUrl: string): Promise<string[]> {
  const lock = new Client(postgresClientConfig(ownerUrl, { application_name: 'mxg-migrations' }));
  await connectOrExplain(() => lock.connect());
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    const dataSource = new DataSource(dataSourceOptions(ownerUrl));
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.end(); // ends the session, which releases the advisory lock
  }
}
