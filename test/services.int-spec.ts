import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { listGateways, MxgConfigService } from '@mxg/config';

const run = promisify(execFile);
const root = join(__dirname, '..');

/** Test and bench brokers' vhosts and users, which come and go while this test runs. */
const scratch = (name: string) => /^mxg-(test|bench)-/.test(name);

/** Everything the services script may create or change, read back from the services themselves. */
async function stateOfServices(config: MxgConfigService): Promise<unknown> {
  const gatewayVhosts = listGateways(config.paths.config).map(
    (id) => config.forGateway(id).gateway.amqp.vhost,
  );
  const pg = new Client({ connectionString: config.postgresAdminUrl });
  await pg.connect();
  const rows = async (sql: string) => (await pg.query<Record<string, unknown>>(sql)).rows;
  const perDatabase = async (name: string) => {
    const url = new URL(config.postgresAdminUrl);
    url.pathname = `/${name}`;
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    try {
      return {
        schemas: (
          await db.query(
            "SELECT nspname, nspowner::regrole::text, nspacl::text FROM pg_namespace WHERE nspname IN ('mxg', 'public') ORDER BY nspname",
          )
        ).rows,
        defaults: (
          await db.query(
            'SELECT defaclrole::regrole::text, defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY 1, 2',
          )
        ).rows,
      };
    } finally {
      await db.end();
    }
  };
  try {
    const broker = async (...args: string[]) =>
      (await run('rabbitmqctl', ['-q', ...args, '--formatter', 'json'])).stdout;
    const secretsDir = join(config.paths.var, 'secrets');
    return {
      roles: await rows(
        "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolpassword FROM pg_authid WHERE rolname LIKE 'mxg\\_%' AND rolname NOT LIKE 'mxg\\_test\\_%' ORDER BY 1",
      ),
      databases: await rows(
        "SELECT datname, datdba::regrole::text, datacl::text FROM pg_database WHERE datname IN ('mxg_kz', 'mxg_az') ORDER BY 1",
      ),
      settings: await rows(
        // Only the gateways' databases: tests create and drop their own concurrently.
        "SELECT d.datname, s.setrole::regrole::text, s.setconfig::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname IN ('mxg_kz', 'mxg_az') ORDER BY 1, 2",
      ),
      // #15: TLS in PostgreSQL (provisioned once, then left alone).
      tls: await rows(
        "SELECT name, setting FROM pg_settings WHERE name IN ('ssl', 'ssl_cert_file', 'ssl_key_file') ORDER BY 1",
      ),
      kz: await perDatabase('mxg_kz'),
      az: await perDatabase('mxg_az'),
      vhosts: (JSON.parse(await broker('list_vhosts', 'name')) as { name: string }[]).filter(
        (v) => !scratch(v.name), // other tests' private vhosts come and go
      ),
      users: (JSON.parse(await broker('list_users')) as { user: string }[]).filter(
        (u) => !scratch(u.user),
      ),
      ...Object.fromEntries(
        await Promise.all(
          gatewayVhosts.map(async (vhost) => [
            vhost,
            {
              permissions: await broker('list_permissions', '-p', vhost),
              topicPermissions: await broker('list_topic_permissions', '-p', vhost),
              links: await broker('list_parameters', '-p', vhost),
              policies: await broker('list_policies', '-p', vhost),
            },
          ]),
        ),
      ),
      secrets: readdirSync(secretsDir)
        .filter((f) => !/^pg-mxg_(test|bench)_/.test(f)) // test and bench roles come and go
        .sort()
        .map((f) => [
          f,
          createHash('sha256')
            .update(readFileSync(join(secretsDir, f)))
            .digest('hex'),
        ]),
    };
  } finally {
    await pg.end();
  }
}

describe('scripts/services.sh (real PostgreSQL and RabbitMQ)', () => {
  const config = MxgConfigService.load();

  it('provisions each gateway and changes nothing when run again', async () => {
    await run('bash', ['scripts/services.sh'], { cwd: root });
    const before = await stateOfServices(config);
    const second = await run('bash', ['scripts/services.sh'], { cwd: root });
    expect(second.stdout).toContain('everything was already provisioned; nothing changed');
    expect(await stateOfServices(config)).toEqual(before);
  }, 120_000);

  it('#10.8 gives each party gateway its own vhost and AMQP user, limited to its own inbox, linked to the other party', async () => {
    const ctl = async <T>(...args: string[]) =>
      JSON.parse((await run('rabbitmqctl', ['-q', ...args, '--formatter', 'json'])).stdout) as T;
    for (const [own, other] of [
      ['kz', 'az'],
      ['az', 'kz'],
    ]) {
      const vhost = `mxg-${own}`;
      const permissions = await ctl<{ user: string }[]>('list_permissions', '-p', vhost);
      // The administrator and the party's own user, no one else.
      expect(permissions.sort((a, b) => a.user.localeCompare(b.user))).toEqual([
        { user: 'guest', configure: '.*', write: '.*', read: '.*' },
        {
          user: `mxg-${own}`,
          configure: '^$',
          write: '^(mxg\\.messages|mxg\\.dead\\-letter)$',
          read: `^mxg\\.inbox\\.${own}$`,
        },
      ]);
      const topics = await ctl<{ exchange: string }[]>('list_topic_permissions', '-p', vhost);
      expect(topics.sort((a, b) => a.exchange.localeCompare(b.exchange))).toEqual([
        { user: `mxg-${own}`, exchange: 'mxg.dead-letter', write: `^${own}$`, read: '^$' },
        { user: `mxg-${own}`, exchange: 'mxg.messages', write: `^(${other})$`, read: '^$' },
      ]);
      const links = await ctl<{ component: string; name: string }[]>(
        'list_parameters',
        '-p',
        vhost,
      );
      expect(links.map((l) => [l.component, l.name])).toEqual([
        ['shovel', `mxg-link-${own}-to-${other}`],
      ]);
    }
  });
});
