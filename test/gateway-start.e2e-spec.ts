import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { MxgConfigService } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import { spawnGateway, waitForHttp, type GatewayProcess } from './support/gateway-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
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
      cpSync(MxgConfigService.load().paths.certs, certs, { recursive: true });
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
