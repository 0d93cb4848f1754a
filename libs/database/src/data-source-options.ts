import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS_TABLE, MXG_SCHEMA } from './database.constants';
import { MIGRATIONS } from './migrations';
import { databaseTlsOfUrl, postgresSslOptions, withoutTlsParameters } from './database-tls';

/**
 * Connection options shared by the gateway, the migration runner and the TypeORM CLI. The
 * schema is only ever changed by the listed migrations, never by `synchronize`.
 */
export function dataSourceOptions(
  url: string,
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
  // #15: a URL with sslmode=verify-full connects over TLS, checked by postgresSslOptions.
  const tls = databaseTlsOfUrl(url);
  return {
    type: 'postgres',
    url: tls === undefined ? url : withoutTlsParameters(url),
    ...(tls === undefined ? {} : { ssl: postgresSslOptions(tls) }),
    schema: MXG_SCHEMA,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    // Not even errors: TypeORM logs a failed query with its parameters, which may hold message
    // content (personal data). Failures reach the caller as exceptions; callers log codes.
    logging: false,
  };
}
