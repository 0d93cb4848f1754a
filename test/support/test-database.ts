import { randomBytes } from 'node:crypto';
import { ensureSecret, MxgConfigService, postgresSecretName } from '@mxg/config';
import { createScratchDatabase, type ScratchDatabase } from '@mxg/database';

export const TEST_ROLES = { owner: 'mxg_test_owner', app: 'mxg_test_app' } as const;

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
    adminUrl: config.postgresAdminUrl,
    name: `mxg_test_${prefix}_${randomBytes(4).toString('hex')}`,
    roles: TEST_ROLES,
    secret: (role) => ensureSecret(config.paths.var, postgresSecretName(role)),
    migrate: options.migrate,
  });
}
