import { Client } from 'pg';
import { assertTransactionCounterAhead } from '@mxg/audit';
import {
  connectOrExplain,
  MigrationsPendingError,
  pendingMigrations,
  postgresClientConfig,
} from '@mxg/database';

/**
 * What the gateway checks of its database before it starts, as the application role (#17):
 * unless it just ran the migrations itself, that none is pending (MIGRATIONS_PENDING); and that
 * the server's transaction counter is past every audit entry's, which a logical restore into
 * another cluster may break (AUDIT_XID_BEHIND, docs/backup-restore.md).
 */
export async function checkDatabaseBeforeStart(url: string, migrated: boolean): Promise<void> {
  if (!migrated) {
    const pending = await pendingMigrations(url);
    if (pending.length > 0) throw new MigrationsPendingError(pending);
  }
  const client = new Client(postgresClientConfig(url, { application_name: 'mxg-start-checks' }));
  await connectOrExplain(() => client.connect());
  try {
    await assertTransactionCounterAhead(client);
  } finally {
    await client.end();
  }
}
