export { MIGRATIONS_TABLE, MXG_SCHEMA } from './database.constants';
export { dataSourceOptions } from './data-source-options';
export {
  connectOrExplain,
  databaseTlsOfUrl,
  databaseTlsProblem,
  databaseUrlWithTls,
  type DatabaseTls,
  postgresClientConfig,
  postgresSslOptions,
  type PostgresSslOptions,
  withoutTlsParameters,
} from './database-tls';
export { MIGRATIONS } from './migrations';
export { dropDatabase, type DatabaseProvisioning, provisionDatabase } from './provision-database';
export { MigrationsPendingError } from './migrations-pending.error';
export { pendingMigrations } from './pending-migrations';
export { runMigrations } from './run-migrations';
export {
  createScratchDatabase,
  type ScratchDatabase,
  type ScratchDatabaseOptions,
} from './scratch-database';
export { queryRows, type SqlClient } from './sql/sql-client';
export { SqlParameters } from './sql/sql-parameters';
export type { SqlStatement } from './sql/sql-statement';
