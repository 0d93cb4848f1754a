import { MxgError } from '@mxg/core';

/**
 * A gateway that does not migrate its database itself (MXG_RUN_MIGRATIONS=false, #17) found
 * migrations it needs not yet applied: it refuses to start rather than fail on its first query.
 */
export class MigrationsPendingError extends MxgError {
  constructor(readonly pending: readonly string[]) {
    super(
      'MIGRATIONS_PENDING',
      `the database lacks ${pending.length} migration(s) this gateway needs (${pending.join(', ')}) ` +
        'and MXG_RUN_MIGRATIONS=false: run `mxg db migrate` with the schema owner’s credentials ' +
        '(MXG_MIGRATION_DATABASE_URL) first, then start the gateway',
      { pending },
    );
  }
}
