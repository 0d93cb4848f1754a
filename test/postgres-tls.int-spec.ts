import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MxgConfigService } from '@mxg/config';
import {
  dataSourceOptions,
  databaseUrlWithTls,
  postgresClientConfig,
  postgresSslOptions,
  runMigrations,
  withoutTlsParameters,
} from '@mxg/database';
import { initServicesPki, servicesPkiPaths } from '@mxg/pki';
import { spawnGateway, type GatewayProcess } from './support/gateway-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

interface SslRow {
  application_name: string;
  ssl: boolean;
  version: string | null;
}

/**
 * #15: gateway → PostgreSQL with sslmode=verify-full, on the real PostgreSQL that
 * `mxg services provision` (scripts/services.sh, run by `npm test`) gave TLS with the
 * development services CA's certificate.
 */
describe('PostgreSQL over TLS (real PostgreSQL, verify-full)', () => {
  const base = MxgConfigService.load();
  let db: TestDatabase;
  let admin: Client;
  let strangerDir: string;

  /** The gateway kz's view of the test database, as DATABASE_URL overrides give it. */
  const kzConfig = () =>
    MxgConfigService.load({
      gateway: 'kz',
      env: {
        ...process.env,
        DATABASE_URL: withoutTlsParameters(db.appUrl),
        MXG_MIGRATION_DATABASE_URL: withoutTlsParameters(db.ownerUrl),
      },
    });

  /** Sessions of `db` by application name, as the server sees them (pg_stat_ssl). */
  const sessions = async (applicationName: string) =>
    (
      await admin.query<SslRow>(
        `SELECT a.application_name, s.ssl, s.version
           FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
          WHERE a.datname = $1 AND a.application_name = $2`,
        [db.name, applicationName],
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase('pgtls');
    admin = new Client({ connectionString: base.postgresAdminUrl });
    await admin.connect();
    strangerDir = await mkdtemp(join(tmpdir(), 'mxg-pg-stranger-'));
    await initServicesPki({ certsDir: strangerDir });
  });

  afterAll(async () => {
    await admin.end();
    await db.drop();
    await rm(strangerDir, { recursive: true, force: true });
  });

  it('the gateway config asks for verify-full against the services CA, DATABASE_URL overrides too', () => {
    const config = kzConfig();
    const ca = servicesPkiPaths(base.paths.certs).caCertificate;
    expect(config.databaseTlsCa).toBe(ca);
    for (const url of [config.databaseUrl, config.migrationDatabaseUrl]) {
      expect(new URL(url).searchParams.get('sslmode')).toBe('verify-full');
      expect(new URL(url).searchParams.get('sslrootcert')).toBe(ca);
    }
  });

  it("the gateway's data source and its own sessions connect over TLS (pg_stat_ssl)", async () => {
    const config = kzConfig();
    const name = `mxg-tls-test-${process.pid}`;
    const dataSource = new DataSource({
      ...dataSourceOptions(config.databaseUrl),
      extra: { application_name: name },
    });
    await dataSource.initialize();
    const client = new Client(
      postgresClientConfig(config.databaseUrl, { application_name: `${name}-client` }),
    );
    await client.connect();
    try {
      // From inside: this very session.
      const own = await dataSource.query<{ ssl: boolean; version: string }[]>(
        'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      expect(own).toEqual([{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }]);
      // From outside: the server's view of both, by application name.
      for (const app of [name, `${name}-client`]) {
        const rows = await sessions(app);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect(row).toEqual({
            application_name: app,
            ssl: true,
            version: expect.stringMatching(/^TLSv1\.[23]$/) as string,
          });
        }
      }
      // Migrations (as the owner) run over the same TLS; nothing pending on a migrated database.
      await expect(runMigrations(config.migrationDatabaseUrl)).resolves.toEqual([]);
    } finally {
      await client.end();
      await dataSource.destroy();
    }
  });

  it('a compiled gateway process connects to its database over TLS only', async () => {
    let gateway: GatewayProcess | undefined;
    try {
      gateway = await spawnGateway({
        MXG_GATEWAY: 'kz',
        DATABASE_URL: withoutTlsParameters(db.appUrl),
        MXG_MIGRATION_DATABASE_URL: withoutTlsParameters(db.ownerUrl),
      });
      const deadline = Date.now() + 30_000;
      let rows: SslRow[] = [];
      while (Date.now() < deadline) {
        if (gateway.child.exitCode !== null) {
          throw new Error(`gateway exited:\n${gateway.output()}`);
        }
        rows = await sessions('mxg-gateway-kz');
        if (rows.length > 0 && (await sessions('mxg-audit-sequencer-kz')).length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(rows.length).toBeGreaterThan(0);
      const all = [...rows, ...(await sessions('mxg-audit-sequencer-kz'))];
      expect(all.every((row) => row.ssl)).toBe(true);
      const plain = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
          WHERE a.datname = $1 AND NOT s.ssl AND a.pid <> pg_backend_pid()`,
        [db.name],
      );
      expect(plain.rows).toEqual([{ n: '0' }]);
    } finally {
      await gateway?.stop();
    }
  }, 60_000);

  it('refuses a server certificate that does not chain to the configured CA', async () => {
    const stranger = servicesPkiPaths(strangerDir).caCertificate;
    const url = databaseUrlWithTls(db.appUrl, { ca: stranger });
    const client = new Client(postgresClientConfig(url));
    await expect(client.connect()).rejects.toMatchObject({
      code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN/),
    });
    await client.end().catch(() => undefined);
    // Where the gateway meets it first — migrations at start-up — it says what is wrong.
    await expect(runMigrations(databaseUrlWithTls(db.ownerUrl, { ca: stranger }))).rejects.toThrow(
      /DATABASE_TLS_REFUSED: PostgreSQL's certificate does not chain to the configured database CA/,
    );
  });

  it('refuses the right CA’s certificate when it does not name the host expected', async () => {
    const ca = servicesPkiPaths(base.paths.certs).caCertificate;
    const plainUrl = withoutTlsParameters(db.appUrl);
    const connect = async (servername: string) => {
      const client = new Client({
        connectionString: plainUrl,
        ssl: postgresSslOptions({ ca, servername }),
      });
      try {
        await client.connect();
        return (
          await client.query<{ ssl: boolean }>(
            'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
          )
        ).rows[0].ssl;
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    // Dial 127.0.0.1, expect postgres.example: the certificate names localhost and 127.0.0.1 only.
    await expect(connect('postgres.example')).rejects.toMatchObject({
      code: 'DATABASE_TLS_REFUSED',
      message: expect.stringContaining('does not name postgres.example') as string,
    });
    // The control: the same CA and the same server, a name the certificate carries.
    await expect(connect('localhost')).resolves.toBe(true);
  });

  it('connects by DNS name too (localhost), checked against the DNS entry', async () => {
    const url = new URL(db.appUrl);
    url.hostname = 'localhost';
    const client = new Client(postgresClientConfig(url.toString()));
    await client.connect();
    try {
      const row = await client.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      expect(row.rows).toEqual([{ ssl: true }]);
    } finally {
      await client.end();
    }
  });
});
