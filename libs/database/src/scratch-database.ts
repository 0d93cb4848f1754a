import { dropDatabase, provisionDatabase } from './provision-database';
import { runMigrations } from './run-migrations';

/** A throw-away database, provisioned exactly as a gateway's (tests, benches). */
export interface ScratchDatabase {
  readonly name: string;
  readonly adminUrl: string;
  /**
   * The administrator (a superuser) on this database — for tests that play an operator who
   * bypasses every grant and trigger.
   */
  readonly superuserUrl: string;
  /** The schema owner's connection (runs migrations). */
  readonly ownerUrl: string;
  /** The application role's connection (rows only). */
  readonly appUrl: string;
  drop(): Promise<void>;
}

export interface ScratchDatabaseOptions {
  readonly adminUrl: string;
  readonly name: string;
  readonly roles: { readonly owner: string; readonly app: string };
  /** A role's password and whether it was just generated (then it is set on the role). */
  readonly secret: (role: string) => { value: string; created: boolean };
  /** Apply the real migrations as the owner (default true). */
  readonly migrate?: boolean;
}

/**
 * Provisions `name` with owner and application roles, schema and grants like
 * `mxg services provision`, and — unless told not to — migrates it with the real migrations.
 * A failed migration drops the database again.
 */
export async function createScratchDatabase(
  options: ScratchDatabaseOptions,
): Promise<ScratchDatabase> {
  const { adminUrl, name, roles } = options;
  const owner = options.secret(roles.owner);
  const app = options.secret(roles.app);
  await provisionDatabase(adminUrl, {
    database: name,
    owner: { role: roles.owner, password: owner.created ? owner.value : undefined },
    app: { role: roles.app, password: app.created ? app.value : undefined },
  });
  const url = (role: string, password: string) => {
    const u = new URL(adminUrl);
    u.username = role;
    u.password = password;
    u.pathname = `/${name}`;
    return u.toString();
  };
  const superuser = new URL(adminUrl);
  superuser.pathname = `/${name}`;
  const database: ScratchDatabase = {
    name,
    adminUrl,
    superuserUrl: superuser.toString(),
    ownerUrl: url(roles.owner, owner.value),
    appUrl: url(roles.app, app.value),
    drop: () => dropDatabase(adminUrl, name),
  };
  if (options.migrate !== false) {
    try {
      await runMigrations(database.ownerUrl);
    } catch (error) {
      await database.drop();
      throw error;
    }
  }
  return database;
}
