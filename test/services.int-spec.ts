import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { databaseRoles, listGateways, MxgConfigService } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import { brokerNodeCtl } from '../apps/cli/src/services/broker-nodes';
import { linkUserName } from '../apps/cli/src/services/provision-broker-nodes';
import { queryOnce } from './support/test-database';

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
            write: '^(mxg\\.messages|mxg\\.dead\\-letter)$',
            read: `^mxg\\.inbox\\.${own}$`,
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

  /**
   * #17: another checkout of MXG on the same machine (a clone in /tmp), with the same gateway
   * files, runs `scripts/services.sh`. A copy of this one's sources and build, with a var/ of
   * its own: no secrets yet, so every password it holds is new.
   */
  describe('a second checkout on the same machine', () => {
    let other: string;
    const copyCheckout = (certs: 'same' | 'own') => {
      other = mkdtempSync(join(tmpdir(), 'mxg-checkout-'));
      for (const entry of ['apps', 'libs', 'config', 'scripts', 'dist', 'package.json']) {
        cpSync(realpathSync(join(root, entry)), join(other, entry), { recursive: true });
      }
      symlinkSync(realpathSync(join(root, 'node_modules')), join(other, 'node_modules'));
      // `same`: this checkout's certificates, so its services CA too; `own`: none — its
      // provisioning issues a PKI, and a services CA, of its own.
      if (certs === 'same')
        cpSync(realpathSync(config.paths.certs), join(other, 'certs'), { recursive: true });
      return other;
    };
    const servicesIn = (dir: string, env: Record<string, string> = {}) =>
      run('bash', ['scripts/services.sh'], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      }).then(
        (r) => ({ code: 0, output: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          output: e.stdout + e.stderr,
        }),
      );
    afterEach(() => rmSync(other, { recursive: true, force: true }));

    it('does not take over or reset this checkout’s database roles: refuses, naming the role, and changes nothing', async () => {
      await run('bash', ['scripts/services.sh'], { cwd: root }); // this checkout's roles, marked
      const before = await stateOfServices(config);
      const result = await servicesIn(copyCheckout('same'));
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(
        'ROLE_NOT_OURS: PostgreSQL role mxg_kz_owner belongs to another MXG checkout on this server',
      );
      expect(await stateOfServices(config)).toEqual(before);
      // This checkout still logs in as its roles and provisions as before.
      const again = await run('bash', ['scripts/services.sh'], { cwd: root });
      expect(again.stdout).toContain('everything was already provisioned; nothing changed');
    }, 180_000);

    it('does not replace the PostgreSQL certificate this checkout’s gateways verify with its own services CA’s', async () => {
      const before = await stateOfServices(config);
      const result = await servicesIn(copyCheckout('own'));
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(
        /PG_TLS_NOT_PROVISIONED: PostgreSQL serves \S+mxg-services\.cert\.pem, issued by another services CA .* not replacing it/,
      );
      expect(await stateOfServices(config)).toEqual(before);
    }, 180_000);

    it('provisions databases of its own beside this checkout’s when its gateway files name them', async () => {
      const dir = copyCheckout('same');
      const suffix = randomBytes(4).toString('hex');
      const names = { kz: `mxg_test_clone_${suffix}_kz`, az: `mxg_test_clone_${suffix}_az` };
      for (const [id, name] of Object.entries(names)) {
        const file = join(dir, 'config', 'gateways', `${id}.yaml`);
        writeFileSync(file, readFileSync(file, 'utf8').replace(`name: mxg_${id}`, `name: ${name}`));
      }
      const before = await stateOfServices(config);
      try {
        // AMQP_URL: the broker is provisioned elsewhere (the nodes on 5681/5682 are this checkout's).
        const result = await servicesIn(dir, { AMQP_URL: 'amqp://unused@127.0.0.1:1/' });
        expect(result).toMatchObject({ code: 0 });
        for (const name of Object.values(names)) {
          expect(result.output).toContain(`created database ${name}`);
          const roles = await queryOnce<{ rolname: string; mark: string }>(
            config.postgresAdminUrl,
            "SELECT rolname, shobj_description(oid, 'pg_authid') AS mark FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1",
            [[databaseRoles(name).app, databaseRoles(name).owner]],
          );
          const id = readFileSync(join(dir, 'var', 'checkout-id'), 'utf8');
          expect(roles).toEqual([
            { rolname: databaseRoles(name).app, mark: `mxg checkout ${id}` },
            { rolname: databaseRoles(name).owner, mark: `mxg checkout ${id}` },
          ]);
        }
        expect(await stateOfServices(config)).toEqual(before);
      } finally {
        for (const name of Object.values(names)) {
          const { owner, app } = databaseRoles(name);
          await queryOnce(config.postgresAdminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await queryOnce(config.postgresAdminUrl, `DROP ROLE IF EXISTS ${owner}, ${app}`);
        }
      }
    }, 180_000);
  });
});
