import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  ensureSecret,
  listGateways,
  MxgConfigService,
  postgresSecretName,
  scratchRoles,
} from '@mxg/config';
import { createScratchDatabase, databaseUrlWithTls, type ScratchDatabase } from '@mxg/database';

/** The tests' database roles, of this checkout's slot (#17: `mxg_test_owner`, or `mxg_test_s1_owner`…). */
export const TEST_ROLES = scratchRoles('mxg_test', MxgConfigService.load().checkoutSlot);

export type TestDatabase = ScratchDatabase;

/**
 * A fresh database for one test file, provisioned exactly as a gateway's is (owner and app
 * roles, schema, grants) and migrated with the real migrations, on the real PostgreSQL.
 */
export async function createTestDatabase(
  prefix: string,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const config = MxgConfigService.load();
  return createScratchDatabase({
    adminUrl: testAdminUrl(config),
    name: `mxg_test_${prefix}_${randomBytes(4).toString('hex')}`,
    roles: TEST_ROLES,
    secret: (role) => ensureSecret(config.paths.var, postgresSecretName(role)),
    migrate: options.migrate,
  });
}

/**
 * #15: the test databases live on the gateways' PostgreSQL, so they are reached as the gateways
 * reach theirs — over TLS, verify-full, when the gateway files say so. Every URL of a scratch
 * database derives from this one and keeps its sslmode and sslrootcert.
 */
export function testAdminUrl(config: MxgConfigService): string {
  const ca = listGateways(config.paths.config)
    .map((id) => config.forGateway(id).databaseTlsCa)
    .find((path) => path !== undefined);
  return ca === undefined
    ? config.postgresAdminUrl
    : databaseUrlWithTls(config.postgresAdminUrl, { ca });
}

/** One query on a connection of its own (e.g. as the superuser, or to read what a gateway wrote). */
export async function queryOnce<T = Record<string, unknown>>(
  url: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}
