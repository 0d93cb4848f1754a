import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { databaseRoles, listGateways, MxgConfigService, readCheckoutSlot } from '@mxg/config';
import { postgresClientConfig } from '@mxg/database';
import { partyPkiPaths } from '@mxg/pki';
import { brokerNodeCtl, stopBrokerNode } from '../apps/cli/src/services/broker-nodes';
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
  // #17: this checkout's databases and roles (its slot's names); another checkout's are not ours.
  const databases = listGateways(config.paths.config)
    .map((id) => config.forGateway(id).gateway.database.name)
    .sort();
  const roles = databases.flatMap((name) => Object.values(databaseRoles(name))).sort();
  const pg = new Client({ connectionString: config.postgresAdminUrl });
  await pg.connect();
  const rows = async (sql: string, parameters: unknown[] = []) =>
    (await pg.query<Record<string, unknown>>(sql, parameters)).rows;
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
        'SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolpassword FROM pg_authid WHERE rolname = ANY ($1) ORDER BY 1',
        [roles],
      ),
      databases: await rows(
        'SELECT datname, datdba::regrole::text, datacl::text FROM pg_database WHERE datname = ANY ($1) ORDER BY 1',
        [databases],
      ),
      settings: await rows(
        // Only the gateways' databases: tests create and drop their own concurrently.
        'SELECT d.datname, s.setrole::regrole::text, s.setconfig::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = ANY ($1) ORDER BY 1, 2',
        [databases],
      ),
      // #15: TLS in PostgreSQL (provisioned once, then left alone).
      tls: await rows(
        "SELECT name, setting FROM pg_settings WHERE name IN ('ssl', 'ssl_cert_file', 'ssl_key_file') ORDER BY 1",
      ),
      ...Object.fromEntries(
        await Promise.all(databases.map(async (name) => [name, await perDatabase(name)])),
      ),
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

  it("#17 a second checkout on this machine gets a slot, databases, roles and broker nodes of its own, and changes nothing of this checkout's", async () => {
    await run('bash', ['scripts/services.sh'], { cwd: root });
    const before = await stateOfServices(config);
    // A second checkout: what services.sh runs (the build, the CLI, scripts, config), no state.
    const second = mkdtempSync(join(tmpdir(), 'mxg-second-checkout-'));
    for (const part of ['package.json', 'scripts', 'config', 'dist', 'apps/cli/bin']) {
      mkdirSync(join(second, part, '..'), { recursive: true });
      cpSync(join(root, part), join(second, part), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(second, 'node_modules'));
    const env = { ...process.env, MXG_CHECKOUT_SLOT: undefined };
    try {
      const { stdout } = await run('bash', ['scripts/services.sh'], { cwd: second, env });
      const slot = readCheckoutSlot(second);
      expect(slot).not.toBe(config.checkoutSlot);
      // A free slot, or one whose checkout is gone (an earlier run of this test).
      expect(stdout).toMatch(
        new RegExp(`this checkout holds slot ${slot} of this machine \\((new|stale)\\)`),
      );
      // Its own names, provisioned and reachable: each gateway's app role logs in to its own
      // database over TLS (the server's certificate, which it took a copy of, not replaced).
      for (const id of listGateways(config.paths.config)) {
        const own = config.forGateway(id).gateway;
        // As the second checkout's gateway reads its configuration: its slot, its secrets.
        const other = MxgConfigService.load({
          gateway: id,
          env: { ...env, MXG_CHECKOUT_SLOT: String(slot), MXG_VAR_DIR: join(second, 'var') },
        });
        expect(other.gateway.database.name).toMatch(new RegExp(`_s${slot}$`));
        expect(other.gateway.database.name).not.toBe(own.database.name);
        expect(other.gateway.amqp.node).toMatch(new RegExp(`-s${slot}@`));
        expect(stdout).toContain(`started broker node ${other.gateway.amqp.node}`);
        const client = new Client(postgresClientConfig(other.databaseUrl));
        await client.connect();
        try {
          const { rows } = await client.query<{ user: string; db: string }>(
            'SELECT current_user AS user, current_database() AS db',
          );
          expect(rows).toEqual([
            {
              user: databaseRoles(other.gateway.database.name).app,
              db: other.gateway.database.name,
            },
          ]);
        } finally {
          await client.end();
        }
      }
      expect(stdout).toMatch(/took the services PKI PostgreSQL presents from the checkout at /);
      // This checkout's roles, databases, TLS, nodes, users and secrets: all as they were.
      expect(await stateOfServices(config)).toEqual(before);
    } finally {
      await cleanUpCheckout(second, config);
    }
  }, 240_000);

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

/**
 * Stops a second checkout's broker nodes and drops its databases and roles — never those of
 * `config`'s slot, this checkout's — then deletes it.
 */
async function cleanUpCheckout(dir: string, config: MxgConfigService): Promise<void> {
  const slot = readCheckoutSlot(dir);
  if (slot !== config.checkoutSlot) {
    const admin = new Client({ connectionString: config.postgresAdminUrl });
    await admin.connect();
    try {
      for (const id of listGateways(config.paths.config)) {
        const gateway = MxgConfigService.load({
          gateway: id,
          env: { ...process.env, MXG_CHECKOUT_SLOT: String(slot) },
        }).gateway;
        if (gateway.amqp.node) {
          await stopBrokerNode(join(dir, 'var'), gateway.amqp.node, gateway.amqp.port);
        }
        const name = gateway.database.name;
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        for (const role of Object.values(databaseRoles(name))) {
          await admin.query(`DROP ROLE IF EXISTS "${role}"`);
        }
      }
    } finally {
      await admin.end();
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
