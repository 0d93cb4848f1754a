import { randomBytes } from 'node:crypto';
import { ensureSecret, MxgConfigService, postgresSecretName } from '@mxg/config';
import { dropDatabase, provisionDatabase, runMigrations } from '@mxg/database';

export const TEST_ROLES = { owner: 'mxg_test_owner', app: 'mxg_test_app' } as const;

export interface TestDatabase {
  name: string;
  adminUrl: string;
  ownerUrl: string;
  appUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, provisioned exactly as a gateway's is (owner and app
 * roles, schema, grants) and migrated with the real migrations, on the real PostgreSQL.
 */
export async function createTestDatabase(
  prefix: string,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const config = MxgConfigService.load();
  const adminUrl = config.postgresAdminUrl;
  const name = `mxg_test_${prefix}_${randomBytes(4).toString('hex')}`;
  const secret = (role: string) => ensureSecret(config.paths.var, postgresSecretName(role));
  const owner = secret(TEST_ROLES.owner);
  const app = secret(TEST_ROLES.app);
  await provisionDatabase(adminUrl, {
    database: name,
    owner: { role: TEST_ROLES.owner, password: owner.created ? owner.value : undefined },
    app: { role: TEST_ROLES.app, password: app.created ? app.value : undefined },
  });
  const url = (role: string, password: string) => {
    const u = new URL(adminUrl);
    u.username = role;
    u.password = password;
    u.pathname = `/${name}`;
    return u.toString();
  };
  const db: TestDatabase = {
    name,
    adminUrl,
    ownerUrl: url(TEST_ROLES.owner, owner.value),
    appUrl: url(TEST_ROLES.app, app.value),
    drop: () => dropDatabase(adminUrl, name),
  };
  if (options.migrate !== false) await runMigrations(db.ownerUrl);
  return db;
}
