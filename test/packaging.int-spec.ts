import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { MxgConfigService } from '@mxg/config';
import { MIGRATIONS, pendingMigrations, runMigrations } from '@mxg/database';
import { queryOnce, testAdminUrl } from './support/test-database';

const ROOT = join(__dirname, '..');
const run = promisify(execFile);

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  networks?: string[];
}

/**
 * #17: the container image and the compose file of one party's deployment. No Docker engine runs
 * on the machines this is developed and tested on (README "Containers"), so the files are
 * checked for what they promise, and the database script the compose file's PostgreSQL runs is
 * run against the real PostgreSQL.
 */
describe('deployment files (#17)', () => {
  const compose = parse(readFileSync(join(ROOT, 'deploy/compose/compose.yaml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, ComposeService>; networks: Record<string, unknown> };
  const { gateway, migrate, postgres } = compose.services;
  const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');

  it('runs the gateway with the application role only and never migrating, after the migrate step ended', () => {
    expect(gateway.environment?.MXG_RUN_MIGRATIONS).toBe('false');
    // No schema owner anywhere in the gateway's environment: neither the variable nor its role.
    expect(Object.keys(gateway.environment ?? {})).not.toContain('MXG_MIGRATION_DATABASE_URL');
    expect(Object.keys(gateway.environment ?? {})).not.toContain('MXG_PG_ADMIN_URL');
    expect(JSON.stringify(gateway.environment)).not.toMatch(/_owner|OWNER_PASSWORD|PG_ADMIN/);
    expect(gateway.environment?.DATABASE_URL).toMatch(
      /^postgres:\/\/\$\{MXG_DATABASE:-mxg_kz\}_app:/,
    );
    expect(gateway.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });

    expect(migrate.command).toEqual([
      'node',
      'apps/cli/bin/mxg.js',
      'db',
      'migrate',
      '--gateway',
      '${MXG_GATEWAY:-kz}',
    ]);
    expect(migrate.environment?.MXG_MIGRATION_DATABASE_URL).toMatch(
      /^postgres:\/\/\$\{MXG_DATABASE:-mxg_kz\}_owner:/,
    );
    expect(migrate.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    expect(migrate.image).toBe(gateway.image); // one image, two steps
  });

  it('keeps secrets out of the files and the image: passwords from .env, keys and config mounted read-only', () => {
    const text = readFileSync(join(ROOT, 'deploy/compose/compose.yaml'), 'utf8');
    // Every password is a required variable, never a value.
    for (const match of text.matchAll(/PASSWORD[A-Z_]*: (.*)$/gm)) {
      expect(match[1]).toMatch(/^\$\{MXG_[A-Z_]+:\?set in \.env\}$/);
    }
    for (const service of [gateway, migrate]) {
      expect(service.volumes).toEqual(
        expect.arrayContaining([
          '${MXG_CONFIG_PATH:-../../config}:/app/config:ro',
          '${MXG_CERTS_PATH:-../../certs}:/app/certs:ro',
        ]),
      );
    }
    expect(compose.networks.backend).toEqual({ internal: true });
    expect(postgres.networks).toEqual(['backend']);

    // The image: two stages, the runtime one without keys, state or the dev dependencies.
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    const copies = dockerfile.match(/^COPY .*$/gm) ?? [];
    expect(copies.filter((c) => /\bcerts\b|\bvar\b|\.env|\.key|secrets/.test(c))).toEqual([]);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['certs', 'var', '.env', '**/node_modules']));
    // The last USER before CMD is not root; the healthcheck asks /health/live.
    expect(dockerfile).toMatch(/^USER mxg:mxg$/m);
    expect(dockerfile.lastIndexOf('USER mxg:mxg')).toBeGreaterThan(dockerfile.lastIndexOf('FROM '));
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production \\$/m);
    expect(dockerfile).toMatch(/^\s+MXG_RUN_MIGRATIONS=false \\$/m);
    expect(readFileSync(join(ROOT, 'deploy/docker/healthcheck.js'), 'utf8')).toContain(
      '/health/live',
    );
  });

  it('provisions the party’s database like `mxg services provision`: the owner migrates, the application role cannot alter the schema', async () => {
    const adminUrl = testAdminUrl(MxgConfigService.load());
    const admin = new URL(adminUrl);
    const db = `mxg_test_compose_${randomBytes(4).toString('hex')}`;
    const [ownerPassword, appPassword] = [randomBytes(18), randomBytes(18)].map((b) =>
      b.toString('base64url'),
    );
    const url = (role: string, password: string) => {
      const u = new URL(adminUrl);
      u.username = role;
      u.password = password;
      u.pathname = `/${db}`;
      return u.toString();
    };
    try {
      await run('bash', ['deploy/compose/postgres/10-mxg-database.sh'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          PGHOST: admin.hostname,
          PGPORT: admin.port || '5432',
          PGPASSWORD: decodeURIComponent(admin.password),
          POSTGRES_USER: decodeURIComponent(admin.username),
          MXG_DATABASE: db,
          MXG_DB_OWNER_PASSWORD: ownerPassword,
          MXG_DB_APP_PASSWORD: appPassword,
        },
      });
      const ownerUrl = url(`${db}_owner`, ownerPassword);
      const appUrl = url(`${db}_app`, appPassword);
      expect(await pendingMigrations(appUrl)).toEqual(MIGRATIONS.map((m) => new m().name));
      expect(await runMigrations(ownerUrl)).toHaveLength(MIGRATIONS.length);
      expect(await pendingMigrations(appUrl)).toEqual([]);
      // The application role writes rows but changes no schema.
      await expect(queryOnce(appUrl, 'CREATE TABLE mxg.intruder (id int)')).rejects.toThrow(
        /permission denied for schema mxg/,
      );
      await expect(queryOnce(appUrl, 'CREATE TABLE public.intruder (id int)')).rejects.toThrow(
        /permission denied for schema public/,
      );
      await expect(queryOnce(appUrl, 'SELECT count(*) FROM mxg.config_snapshots')).resolves.toEqual(
        [{ count: '0' }],
      );
    } finally {
      await queryOnce(adminUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await queryOnce(adminUrl, `DROP ROLE IF EXISTS ${db}_owner, ${db}_app`);
    }
  });
});
