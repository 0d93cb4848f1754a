import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { promisify } from 'node:util';
import { MxgConfigService } from '@mxg/config';
import { MIGRATIONS } from '@mxg/database';
import { partyPkiPaths } from '@mxg/pki';
import { spawnGateway, waitForHttp, type GatewayProcess } from './support/gateway-process';
import { createTestDatabase, queryOnce, type TestDatabase } from './support/test-database';
import { gatewayTlsClient } from './support/test-tls';

interface Health {
  status: string;
  gateway?: string;
  party?: string;
  details: Record<string, { status: string; message?: string }>;
}

describe('gateway start-up (compiled gateway process, real PostgreSQL and RabbitMQ)', () => {
  let db: TestDatabase;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('start', { migrate: false });
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });
  afterAll(() => db.drop());

  const databaseEnv = () => ({ DATABASE_URL: db.appUrl, MXG_MIGRATION_DATABASE_URL: db.ownerUrl });
  // The shipped gateway files serve HTTPS (#15): the test is the party's national system.
  const tls = (party: string) => ({
    tls: gatewayTlsClient(MxgConfigService.load().paths.certs, party),
  });

  it('migrates, starts for its party and reports database and broker up on /health', async () => {
    gateway = await spawnGateway({ MXG_GATEWAY: 'kz', ...databaseEnv() }, tls('KZ'));
    const response = await waitForHttp(gateway, '/health');
    const health = (await response.json()) as Health;
    expect(response.status).toBe(200);
    expect(health).toMatchObject({
      status: 'ok',
      gateway: 'kz',
      party: 'KZ',
      details: { database: { status: 'up' }, broker: { status: 'up' } },
    });

    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    const snapshots = await client.query('SELECT gateway, party FROM config_snapshots');
    await client.end();
    expect(snapshots.rows).toEqual([{ gateway: 'kz', party: 'KZ' }]);

    const docs = await gateway.fetch('/docs-json');
    expect(docs.status).toBe(200);
    expect(((await docs.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty(
      '/health',
    );
  });

  it('still starts when the broker is unreachable, and says so on /health with 503', async () => {
    gateway = await spawnGateway(
      {
        MXG_GATEWAY: 'az',
        ...databaseEnv(),
        AMQP_URL: 'amqp://nobody:nothing@127.0.0.1:1/mxg',
      },
      tls('AZ'),
    );
    const response = await waitForHttp(gateway, '/health');
    const health = (await response.json()) as Health;
    expect(response.status).toBe(503);
    expect(health.details.database?.status).toBe('up');
    expect(health.details.broker?.status).toBe('down');
    expect(health.details.broker?.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses to start with a broken treaty configuration and names the file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxg-broken-'));
    try {
      cpSync(join(__dirname, '..', 'config'), dir, { recursive: true });
      const file = join(dir, 'signatories.yaml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace('authority: KZ-MTSZN', 'authority: KZ-MTSZ'),
      );
      gateway = await spawnGateway({ MXG_GATEWAY: 'kz', ...databaseEnv(), MXG_CONFIG_DIR: dir });
      expect(await gateway.exited).toBe(1);
      expect(gateway.output()).toMatch(
        /signatories\.yaml:\d+ signatories\[2\]\.authority: unknown authority KZ-MTSZ \(MIG-9\.3\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start without its storage key-encryption key, and names the file and the fix (MIG-11.4)', async () => {
    const certs = mkdtempSync(join(tmpdir(), 'mxg-no-kek-'));
    try {
      // realpath: in a worktree certs/ is a symlink to the main checkout's.
      cpSync(realpathSync(MxgConfigService.load().paths.certs), certs, { recursive: true });
      const kek = partyPkiPaths(certs, 'KZ').gateway.storageKek;
      rmSync(kek);
      gateway = await spawnGateway({ MXG_GATEWAY: 'kz', ...databaseEnv(), MXG_CERTS_DIR: certs });
      expect(await gateway.exited).toBe(1);
      expect(gateway.output()).toContain(
        `KEK_NOT_AVAILABLE: no storage key-encryption key at ${kek}`,
      );
      expect(gateway.output()).toContain('run `mxg pki init`, which creates one');
    } finally {
      rmSync(certs, { recursive: true, force: true });
    }
  });
});

/**
 * #17: migrations as a step of their own. The gateway runs with the application role only
 * (MXG_RUN_MIGRATIONS=false, the schema owner's URL pointing nowhere), `mxg db migrate` runs
 * before it with the owner's credentials, as the compose file's `migrate` service does.
 */
describe('gateway start-up without migrating (MXG_RUN_MIGRATIONS=false, #17)', () => {
  const ROOT = join(__dirname, '..');
  let db: TestDatabase;
  let gateway: GatewayProcess | undefined;
  const names = MIGRATIONS.map((m) => new m().name);

  beforeAll(async () => {
    db = await createTestDatabase('nomigrate', { migrate: false });
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });
  afterAll(() => db.drop());

  const appOnly = () => ({
    MXG_GATEWAY: 'kz',
    MXG_RUN_MIGRATIONS: 'false',
    DATABASE_URL: db.appUrl,
    // Nothing listens on port 1: any use of the owner's URL would fail the start.
    MXG_MIGRATION_DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/nothing',
  });
  const tls = { tls: gatewayTlsClient(MxgConfigService.load().paths.certs, 'KZ') };
  const tables = async () =>
    (
      await queryOnce<{ n: string }>(
        db.ownerUrl,
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'mxg'",
      )
    )[0].n;

  it('refuses to start on a database with pending migrations, names them and the step to run, and changes nothing', async () => {
    gateway = await spawnGateway(appOnly(), tls);
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain(
      `gateway: failed to start: MIGRATIONS_PENDING: the database lacks ${names.length} migration(s) this gateway needs (${names.join(', ')})`,
    );
    expect(gateway.output()).toContain('run `mxg db migrate` with the schema owner’s credentials');
    expect(await tables()).toBe('0');
  });

  it('starts with the application role only once `mxg db migrate` ran as the schema owner, and refuses again when one migration is missing', async () => {
    const migrate = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'apps', 'cli', 'bin', 'mxg.js'), 'db', 'migrate', '--gateway', 'kz'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, TZ: 'UTC', MXG_MIGRATION_DATABASE_URL: db.ownerUrl },
      },
    );
    expect(migrate.stdout).toBe(`db kz: applied ${names.join(', ')}\n`);

    gateway = await spawnGateway(appOnly(), tls);
    const response = await waitForHttp(gateway, '/health');
    expect(response.status).toBe(200);
    expect(gateway.output()).not.toContain('applied migrations');
    // The image's HEALTHCHECK script, as the container runs it: HTTPS, trusting the party's CA.
    const check = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'deploy', 'docker', 'healthcheck.js')],
      {
        env: {
          PATH: process.env.PATH,
          MXG_HTTP_PORT: String(gateway.port),
          // /health/live comes with the observability work; /health answers 200 here too.
          MXG_HEALTHCHECK_URL: `https://localhost:${gateway.port}/health`,
          MXG_HEALTHCHECK_CA: partyPkiPaths(MxgConfigService.load().paths.certs, 'KZ')
            .caCertificate,
        },
      },
    );
    expect(check.stderr).toBe('');
    await gateway.stop();
    gateway = undefined;

    // A database one migration behind this build (an upgrade whose migrate step did not run).
    const last = names[names.length - 1];
    await queryOnce(db.ownerUrl, 'DELETE FROM mxg.migrations WHERE name = $1', [last]);
    gateway = await spawnGateway(appOnly(), tls);
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain(
      `MIGRATIONS_PENDING: the database lacks 1 migration(s) this gateway needs (${last})`,
    );
  });

  it('refuses to start when the audit log holds transaction ids the server has not reached yet (a logical restore into another cluster): AUDIT_XID_BEHIND', async () => {
    const restored = await createTestDatabase('xidbehind');
    try {
      // An entry as a cluster further ahead wrote it: the sequencer's (xid, id) order would
      // put every entry written here before it, so none would ever be sequenced.
      const [{ next }] = await queryOnce<{ next: string }>(
        restored.ownerUrl,
        'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next',
      );
      const ahead = (BigInt(next) + 1_000_000n).toString();
      await queryOnce(
        restored.ownerUrl,
        "INSERT INTO mxg.audit_entries (xid, recorded_at, event_type, outcome) VALUES ($1::xid8, now(), 'config.changed', 'success')",
        [ahead],
      );
      gateway = await spawnGateway({ ...appOnly(), DATABASE_URL: restored.appUrl }, tls);
      expect(await gateway.exited).toBe(1);
      expect(gateway.output()).toContain(
        `AUDIT_XID_BEHIND: the audit log holds entries of transaction ${ahead}, but this PostgreSQL server's next transaction is `,
      );
      expect(gateway.output()).toContain('pg_resetwal -e');
    } finally {
      await restored.drop();
    }
  });
});
