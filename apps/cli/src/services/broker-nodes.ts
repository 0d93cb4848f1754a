import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MxgError } from '@mxg/core';
import { answers } from './port-answers';
import { Rabbitmqctl } from './rabbitmqctl';
import { stopRunningNode } from './stop-broker-node';

/**
 * One party's own RabbitMQ node on this machine (#15, development and tests): its Erlang node
 * name, a TLS-only AMQP listener, and the files its TLS listener reads.
 */
export interface BrokerNodeSpec {
  readonly party: string;
  /** The Erlang node name, e.g. `mxg-kz@localhost`. */
  readonly node: string;
  /** The AMQPS port; the node listens on the loopback interface only. */
  readonly port: number;
  /** The node's TLS server certificate and key (certs/<party>/tls/server.*). */
  readonly server: { readonly cert: string; readonly key: string };
  /**
   * The CA certificates whose clients it lets finish a handshake: the party's own (its
   * gateway's client certificate) and its peers' (their link certificates).
   */
  readonly trusted: readonly string[];
}

/**
 * The RabbitMQ scripts themselves, not Debian's wrappers in /usr/sbin: those switch to the
 * `rabbitmq` user when run as root, who could not read a checkout's keys or data directory.
 */
const RABBITMQ_BIN = '/usr/lib/rabbitmq/bin';
function rabbitmqScript(name: string): string {
  const own = join(RABBITMQ_BIN, name);
  return existsSync(own) ? own : name;
}

/** Where this checkout's broker nodes keep everything (git-ignored): var/rabbitmq/. */
export function brokerNodesDir(varDir: string): string {
  return join(varDir, 'rabbitmq');
}

/**
 * The node's Erlang distribution port: its AMQPS port + 20000 (5681 → 25681), so that two
 * nodes of one machine never race for one.
 */
export function distributionPort(amqpsPort: number): number {
  return amqpsPort + 20_000;
}

/**
 * rabbitmqctl for one of this checkout's nodes: `-n <node>`, and HOME = var/rabbitmq, whose
 * `.erlang.cookie` the nodes were started with (the cookie is the CLI's credential).
 */
export function brokerNodeCtl(varDir: string, node: string): Rabbitmqctl {
  return new Rabbitmqctl(rabbitmqScript('rabbitmqctl'), {
    node,
    env: { HOME: brokerNodesDir(varDir) },
  });
}

/** The node's rabbitmq.conf: TLS only, peers verified, EXTERNAL by full DN (#15). */
export function brokerNodeConfig(spec: BrokerNodeSpec, caBundle: string): string {
  return [
    `# ${spec.party}'s broker node ${spec.node}, written by \`mxg services provision\` (#15).`,
    '# AMQP over TLS only: no plain listener.',
    'listeners.tcp = none',
    `listeners.ssl.default = 127.0.0.1:${spec.port}`,
    `ssl_options.cacertfile = ${caBundle}`,
    `ssl_options.certfile = ${spec.server.cert}`,
    `ssl_options.keyfile = ${spec.server.key}`,
    '# Every client shows a certificate of a trusted CA, or the handshake fails.',
    'ssl_options.verify = verify_peer',
    'ssl_options.fail_if_no_peer_cert = true',
    'ssl_options.versions.1 = tlsv1.3',
    'ssl_options.versions.2 = tlsv1.2',
    'auth_mechanisms.1 = PLAIN',
    'auth_mechanisms.2 = AMQPLAIN',
    'auth_mechanisms.3 = EXTERNAL',
    "# EXTERNAL logs in as the certificate's full subject DN: only the link users, named so,",
    "# can be reached by a certificate — never a password user such as the gateway's.",
    'ssl_cert_login_from = distinguished_name',
    '# The administrator logs in with a password over AMQPS, from this machine only.',
    'loopback_users = none',
    '',
  ].join('\n');
}

/**
 * The node's rabbitmq-env.conf: its Erlang distribution port (the CLI tools' and a cluster's
 * peers' way in, guarded by the cookie) on the loopback interface only, like its AMQPS listener.
 */
export function brokerNodeEnv(): string {
  return [
    '# Written by `mxg services provision` (#15): Erlang distribution on 127.0.0.1 only.',
    'SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"',
    '',
  ].join('\n');
}

/**
 * Makes sure the party's node runs with this configuration: writes its files under
 * var/rabbitmq/<node>/, starts it (`rabbitmq-server -detached`) when it does not answer, and
 * restarts it when its configuration changed. A node already running as configured: nothing
 * to do. Returns what changed.
 */
export async function ensureBrokerNode(varDir: string, spec: BrokerNodeSpec): Promise<string[]> {
  const short = spec.node.split('@')[0];
  const base = brokerNodesDir(varDir);
  const dir = join(base, short);
  mkdirSync(join(dir, 'log'), { recursive: true, mode: 0o700 });
  const caBundle = join(dir, 'ca-bundle.pem');
  const confFile = join(dir, 'rabbitmq.conf');
  const pluginsFile = join(dir, 'enabled_plugins');
  const envFile = join(dir, 'rabbitmq-env.conf');
  const bundle = spec.trusted.map((f) => readFileSync(f, 'utf8').trim() + '\n').join('');
  const changed = [
    writeIfChanged(caBundle, bundle),
    writeIfChanged(confFile, brokerNodeConfig(spec, caBundle)),
    writeIfChanged(pluginsFile, '[rabbitmq_shovel,rabbitmq_auth_mechanism_ssl].\n'),
    writeIfChanged(envFile, brokerNodeEnv()),
  ].some(Boolean);
  const ctl = brokerNodeCtl(varDir, spec.node);
  const running = await ctl.run(['ping', '-t', '10']).then(
    () => true,
    () => false,
  );
  if (running && !changed) return [];
  const changes: string[] = [];
  if (running) {
    const how = await stopRunningNode(ctl, spec.port);
    changes.push(`${how} broker node ${spec.node} (its configuration changed)`);
  } else if (await answers(spec.port)) {
    throw new MxgError(
      'BROKER_NODE_CONFLICT',
      `port ${spec.port} answers but is not node ${spec.node} of this checkout (${dir}): stop the broker that holds it (e.g. a node started from another checkout)`,
    );
  }
  const env = {
    ...process.env,
    HOME: base,
    RABBITMQ_NODENAME: spec.node,
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: confFile,
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: envFile,
    RABBITMQ_ENABLED_PLUGINS_FILE: pluginsFile,
    RABBITMQ_PLUGINS_EXPAND_DIR: join(dir, 'plugins-expand'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
    RABBITMQ_DIST_PORT: String(distributionPort(spec.port)),
  };
  await new Promise<void>((resolve, reject) => {
    const child = spawn(rabbitmqScript('rabbitmq-server'), ['-detached'], {
      env,
      stdio: 'ignore',
    });
    child.on('error', (error) =>
      reject(
        new MxgError(
          'BROKER_NODE_FAILED',
          `cannot start rabbitmq-server for ${spec.node}: ${error.message} (is the rabbitmq-server package installed? \`npm run services\`)`,
        ),
      ),
    );
    child.on('exit', () => resolve());
  });
  await waitForPort(spec.port, 120_000, spec.node, dir);
  await ctl.run(['await_startup', '--timeout', '120']);
  changes.push(`started broker node ${spec.node} (AMQPS 127.0.0.1:${spec.port}, data in ${dir})`);
  return changes;
}

/** Stops one of this checkout's nodes (listening on `port`), if it runs. */
export async function stopBrokerNode(varDir: string, node: string, port: number): Promise<void> {
  await stopRunningNode(brokerNodeCtl(varDir, node), port).catch(() => undefined);
}

function writeIfChanged(file: string, content: string): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return false;
  writeFileSync(file, content, { mode: 0o600 });
  return true;
}

async function waitForPort(port: number, ms: number, node: string, dir: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await answers(port))) {
    if (Date.now() > deadline) {
      throw new MxgError(
        'BROKER_NODE_FAILED',
        `broker node ${node} did not listen on 127.0.0.1:${port} within ${ms / 1000} s: see ${join(dir, 'log')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
