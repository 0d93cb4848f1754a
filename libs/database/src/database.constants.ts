/** Every MXG table lives in this schema, owned by the migration role. */
export const MXG_SCHEMA = 'mxg';
export const MIGRATIONS_TABLE = 'migrations';
/** Key of the advisory lock that lets one instance at a time run migrations. */
export const MIGRATION_LOCK_KEY = 'mxg-migrations';
