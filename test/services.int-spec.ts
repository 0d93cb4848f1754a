import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { listGateways, MxgConfigService } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import { brokerNodeCtl } from '../apps/cli/src/services/broker-nodes';
import { linkUserName } from '../apps/cli/src/services/provision-broker-nodes';

const run = promisify(execFile);
const root = join(__dirname, '..');

/** Test and bench brokers' vhosts and users, which come and go while this test runs. */
const scratch = (name: string) => /^mxg-(test|bench)-/.test(name);

/**
 * rabbitmqctl (JSON out) on the broker of a gateway: its party's own node (#15, `amqp.node`), or
 * the machine's default broker.
 */
function brokerOf(config: MxgConfigService, gatewayId: string) {
  const node = config.forGateway(gatewayId).gateway.amqp.node;
  if (node === undefined) {
    return async (...args: string[]) =>
      (await run('rabbitmqctl', ['-q', ...args, '--formatter', 'json'])).stdout;
  }
  const ctl = brokerNodeCtl(config.paths.var, node);
  return (...args: string[]) => ctl.run([...args, '--formatter', 'json']);
}

/** Everything the services script may create or change, read back from the services themselves. */
async function stateOfServices(config: MxgConfigService): Promise<unknown> {
  const gateways = listGateways(config.paths.config).map((id) => ({
    id,
    vhost: config.forGateway(id).gateway.amqp.vhost,
    broker: brokerOf(config, id),
  }));
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
      ...Object.fromEntries(
        await Promise.all(
          gateways.map(async ({ id, vhost, broker }) => [
            id,
            {
              vhosts: (JSON.parse(await broker('list_vhosts', 'name')) as { name: string }[])
                .filter((v) => !scratch(v.name)) // other tests' private vhosts come and go
                .map((v) => v.name)
                .sort(),
              users: (JSON.parse(await broker('list_users')) as { user: string }[])
                .filter((u) => !scratch(u.user))
                .map((u) => u.user)
                .sort(),
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

  it('#10.8 #15 gives each party gateway its own broker node, vhost and AMQP user, limited to its own inbox, linked to the other party', async () => {
    for (const [own, other] of [
      ['kz', 'az'],
      ['az', 'kz'],
    ]) {
      const broker = brokerOf(config, own);
      const ctl = async <T>(...args: string[]) => JSON.parse(await broker(...args)) as T;
      const vhost = `mxg-${own}`;
      // On the party's own node: only its own vhost (and the default one).
      const vhosts = await ctl<{ name: string }[]>('list_vhosts', 'name');
      expect(
        vhosts
          .map((v) => v.name)
          .filter((v) => !scratch(v))
          .sort(),
      ).toEqual(['/', vhost]);
      const peerLink = linkUserName(
        readFileSync(partyPkiPaths(config.paths.certs, other).tls.link.certificate),
      );
      const permissions = await ctl<{ user: string }[]>('list_permissions', '-p', vhost);
      // The administrator, the party's own user and the peer's link, no one else.
      expect(permissions.sort((a, b) => a.user.localeCompare(b.user))).toEqual(
        [
          { user: 'mxg-admin', configure: '.*', write: '.*', read: '.*' },
          {
            user: `mxg-${own}`,
            configure: '^$',
            // #17: its dead-letter intake read, and the default exchange written — a replayed
            // dead letter goes back into its own inbox by the queue's name.
            write: '^(mxg\\.messages|mxg\\.dead\\-letter|amq\\.default)$',
            read: `^(mxg\\.inbox\\.${own}|mxg\\.dead\\-letter\\-intake\\.${own})$`,
          },
          { user: peerLink, configure: '^$', write: '^mxg\\.messages$', read: '^$' },
        ].sort((a, b) => a.user.localeCompare(b.user)),
      );
      const topics = await ctl<{ user: string; exchange: string }[]>(
        'list_topic_permissions',
        '-p',
        vhost,
      );
      expect(
        topics.sort((a, b) => `${a.user} ${a.exchange}`.localeCompare(`${b.user} ${b.exchange}`)),
      ).toEqual(
        [
          { user: `mxg-${own}`, exchange: 'mxg.dead-letter', write: `^${own}$`, read: '^$' },
          { user: `mxg-${own}`, exchange: 'mxg.messages', write: `^(${other})$`, read: '^$' },
          { user: peerLink, exchange: 'mxg.messages', write: `^${own}$`, read: '^$' },
        ].sort((a, b) => `${a.user} ${a.exchange}`.localeCompare(`${b.user} ${b.exchange}`)),
      );
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
