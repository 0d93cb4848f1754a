import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { MXG_SCHEMA } from './database.constants';
import { postgresClientConfig } from './database-tls';

export interface DatabaseProvisioning {
  database: string;
  owner: { role: string; password?: string };
  app: { role: string; password?: string };
}

/**
 * Creates, if missing, a gateway's database and its two roles: the owner, which runs the
 * migrations and owns the schema, and the application role, which may read and write rows but
 * cannot create, alter or drop anything. A password is set only when one is given (a newly
 * generated secret). Grants are re-asserted every time; they change nothing when already held.
 * Returns what it changed, so a second run can be seen to change nothing.
 *
 * Provisioners running at once (two gateways starting, parallel test workers) take turns under a
 * session advisory lock on the admin connection: each step checks and then creates, and two
 * doing that together would both see "missing" and one would fail on "already exists".
 */
export async function provisionDatabase(
  adminUrl: string,
  spec: DatabaseProvisioning,
): Promise<string[]> {
  const changes: string[] = [];
  const admin = new Client(postgresClientConfig(adminUrl));
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    for (const { role, password } of [spec.owner, spec.app]) {
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (exists.rowCount === 0) {
        await admin.query(
          `CREATE ROLE ${escapeIdentifier(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`,
        );
        changes.push(`created role ${role}`);
      }
      if (password !== undefined) {
        await admin.query(
          `ALTER ROLE ${escapeIdentifier(role)} PASSWORD ${escapeLiteral(password)}`,
        );
        changes.push(`set the password of role ${role}`);
      }
    }
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [spec.database]);
    if (db.rowCount === 0) {
      await admin.query(
        `CREATE DATABASE ${escapeIdentifier(spec.database)} OWNER ${escapeIdentifier(spec.owner.role)} ENCODING 'UTF8' TEMPLATE template0`,
      );
      changes.push(`created database ${spec.database}`);
    }
    await grantInDatabase(adminUrl, spec, changes);
  } finally {
    await admin.end(); // ends the session, and with it the advisory lock
  }
  return changes;
}

/** Any constant shared by every provisioner; `mxg` in ASCII. */
const PROVISIONING_LOCK = 0x6d7867;

async function grantInDatabase(
  adminUrl: string,
  spec: DatabaseProvisioning,
  changes: string[],
): Promise<void> {
  const url = new URL(adminUrl);
  url.pathname = `/${spec.database}`;
  const inDb = new Client(postgresClientConfig(url.toString()));
  await inDb.connect();
  try {
    const schema = await inDb.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [MXG_SCHEMA]);
    if (schema.rowCount === 0) changes.push(`created schema ${spec.database}.${MXG_SCHEMA}`);
    const [dbId, owner, app, s] = [spec.database, spec.owner.role, spec.app.role, MXG_SCHEMA].map(
      escapeIdentifier,
    );
    await inDb.query(`
      REVOKE ALL ON DATABASE ${dbId} FROM PUBLIC;
      GRANT CONNECT, TEMPORARY ON DATABASE ${dbId} TO ${app};
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${owner};
      REVOKE ALL ON SCHEMA ${s} FROM PUBLIC;
      GRANT USAGE ON SCHEMA ${s} TO ${app};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${s}
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app};
      ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${s}
        GRANT USAGE, SELECT ON SEQUENCES TO ${app};
      ALTER ROLE ${owner} IN DATABASE ${dbId} SET search_path = ${s};
      ALTER ROLE ${app} IN DATABASE ${dbId} SET search_path = ${s};
    `);
  } finally {
    await inDb.end();
  }
}

/** Drops a database (tests only: each run starts from nothing). */
export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new Client(postgresClientConfig(adminUrl));
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
