import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { MxgError } from '@mxg/core';
import { createScratchBroker, type ScratchBroker } from './scratch-broker';
import { Rabbitmqctl } from './rabbitmqctl';

/**
 * #15 scale-out: a three-node RabbitMQ cluster on this machine, for tests of a party whose
 * broker is a cluster with quorum queues. Each node is the installed `rabbitmq-server` with its
 * own name, AMQP and distribution ports, config, plugins file and data directory, all given
 * through RabbitMQ's environment variables — nothing of the machine's own broker (5672) is
 * touched. The nodes share the machine's Erlang cookie (the `rabbitmq` user's), so the usual
 * `rabbitmqctl -n <node>` reaches them.
 */

export interface ClusterNode {
  /** Erlang node name, e.g. `mxg-c1@localhost`. */
  readonly name: string;
  /** AMQP port on 127.0.0.1. */
  readonly port: number;
  /** Erlang distribution port (fixed, so it cannot collide with another node's default). */
  readonly distPort: number;
  readonly dir: string;
}

export interface BrokerCluster {
  readonly nodes: readonly ClusterNode[];
  /** `rabbitmqctl -n <node>` for one node. */
  ctl(node: ClusterNode): Rabbitmqctl;
  /** The administrator's (guest's, from loopback) AMQP URL of `vhost` on `node`. */
  adminUrl(node: ClusterNode, vhost?: string): string;
  /** The OS process of the node's Erlang VM, from its pid file; undefined when not running. */
  pid(node: ClusterNode): number | undefined;
  /** Kills the node's Erlang VM with SIGKILL, as a crash or a power cut would, and waits until it is gone. */
  kill(node: ClusterNode): Promise<void>;
  /** Starts every node that is not running and (re)forms the cluster; idempotent. */
  ensureRunning(): Promise<void>;
  /** The nodes the cluster reports running, asked of `via`. */
  runningNodes(via: ClusterNode): Promise<string[]>;
  /** Stops every running node (their data stays: the next start rejoins them). */
  stop(): Promise<void>;
}

export interface BrokerClusterOptions {
  /** Node names `<prefix>1@localhost`…; default `mxg-c`. */
  prefix?: string;
  /** The nodes' AMQP ports; default 5791, 5792, 5793 (5672 is the machine's broker). */
  ports?: readonly number[];
  /** Where the nodes keep config, data and logs; default `<tmp>/mxg-broker-cluster`. */
  dir?: string;
}

const START_TIMEOUT_S = 90;

/**
 * The cluster, started and joined if it is not (idempotent: a running, joined cluster is left
 * as it is; a node killed by a test is started again and rejoins by itself, its data intact).
 */
export async function startBrokerCluster(
  options: BrokerClusterOptions = {},
): Promise<BrokerCluster> {
  const cluster = brokerCluster(options);
  await cluster.ensureRunning();
  return cluster;
}

export function brokerCluster(options: BrokerClusterOptions = {}): BrokerCluster {
  const prefix = options.prefix ?? 'mxg-c';
  const ports = options.ports ?? [5791, 5792, 5793];
  const base = options.dir ?? join(tmpdir(), 'mxg-broker-cluster');
  const nodes: ClusterNode[] = ports.map((port, i) => ({
    name: `${prefix}${i + 1}@localhost`,
    port,
    // 20000 above the AMQP port is RabbitMQ's default, and other nodes on this machine use it.
    distPort: port + 20100,
    dir: join(base, `${prefix}${i + 1}`),
  }));
  const ctl = (node: ClusterNode) => new Rabbitmqctl(`rabbitmqctl -n ${node.name}`);
  const pid = (node: ClusterNode) => {
    const file = join(node.dir, 'pid');
    if (!existsSync(file)) return undefined;
    const value = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(value) && value > 0 && alive(value) ? value : undefined;
  };
  const runningNodes = async (via: ClusterNode) =>
    (await ctl(via).json<{ running_nodes: string[] }>(['cluster_status'])).running_nodes;

  const cluster: BrokerCluster = {
    nodes,
    ctl,
    adminUrl: (node, vhost = '/') =>
      `amqp://guest:guest@127.0.0.1:${node.port}/${encodeURIComponent(vhost)}`,
    pid,
    runningNodes,
    async kill(node) {
      const found = pid(node);
      if (found === undefined) return;
      process.kill(found, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (alive(found)) {
        if (Date.now() > deadline)
          throw new MxgError('BROKER_ADMIN_FAILED', `${node.name} (pid ${found}) did not die`);
        await sleep(50);
      }
    },
    async stop() {
      // In parallel: each stop takes a few seconds.
      await Promise.all(
        nodes.filter((node) => pid(node) !== undefined).map((node) => ctl(node).run(['stop'])),
      );
    },
    async ensureRunning() {
      const stopped = nodes.filter((node) => pid(node) === undefined);
      // All at once: a cluster node that restarts waits for its peers, so nodes stopped
      // together must start together.
      await Promise.all(stopped.map((node) => startNode(node)));
      const [seed, ...others] = nodes;
      for (const node of others) {
        const members = await clusterMembers(ctl(node));
        if (members.includes(seed.name)) continue;
        // A fresh node: it joins the seed (reset first: a node joins only empty).
        await ctl(node).run(['stop_app']);
        await ctl(node).run(['reset']);
        await ctl(node).run(['join_cluster', seed.name]);
        await ctl(node).run(['start_app']);
        await ctl(node).run(['await_startup', '--timeout', String(START_TIMEOUT_S)]);
      }
      const running = await runningNodes(seed);
      const missing = nodes.filter((n) => !running.includes(n.name)).map((n) => n.name);
      if (missing.length > 0) {
        throw new MxgError(
          'BROKER_ADMIN_FAILED',
          `the broker cluster runs without ${missing.join(', ')}; delete ${base} to start afresh`,
        );
      }
    },
  };
  return cluster;
}

/**
 * A scratch broker (a vhost per party, provisioned as `mxg services provision` does: users,
 * quorum queues, links) on the cluster, administered through its first node. Declared after the
 * cluster is formed, every quorum queue has a member on each of the three nodes.
 */
export function createClusterScratchBroker(
  cluster: BrokerCluster,
  options: { prefix: string; parties: readonly string[] },
): Promise<ScratchBroker> {
  const [seed] = cluster.nodes;
  return createScratchBroker({
    ...options,
    rabbitmqctl: `rabbitmqctl -n ${seed.name}`,
    adminUrl: cluster.adminUrl(seed),
  });
}

async function startNode(node: ClusterNode): Promise<void> {
  mkdirSync(node.dir, { recursive: true });
  const file = (name: string, text: string) => {
    const path = join(node.dir, name);
    writeFileSync(path, text);
    return path;
  };
  const config = file('rabbitmq.conf', `listeners.tcp.local = 127.0.0.1:${node.port}\n`);
  // The links between parties are shovels.
  const plugins = file('enabled_plugins', '[rabbitmq_shovel].\n');
  // An empty env file of its own: the machine's /etc/rabbitmq/rabbitmq-env.conf names its node.
  const envFile = file('rabbitmq-env.conf', '');
  const pidFile = join(node.dir, 'pid');
  // A killed node leaves its pid file: `rabbitmqctl wait` must not find the dead one.
  rmSync(pidFile, { force: true });
  const env = {
    ...process.env,
    RABBITMQ_CONF_ENV_FILE: envFile,
    RABBITMQ_NODENAME: node.name,
    RABBITMQ_DIST_PORT: String(node.distPort),
    RABBITMQ_CONFIG_FILE: config,
    RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    RABBITMQ_MNESIA_BASE: join(node.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(node.dir, 'log'),
    RABBITMQ_PID_FILE: pidFile,
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  // Run as root, the rabbitmq-server script runs the node as the `rabbitmq` user.
  if (userInfo().uid === 0) chownTree(node.dir, 'rabbitmq');
  await run('rabbitmq-server', ['-detached'], env);
  await new Rabbitmqctl(`rabbitmqctl -n ${node.name}`).run([
    'wait',
    pidFile,
    '--timeout',
    String(START_TIMEOUT_S),
  ]);
}

/** The nodes a node counts as its cluster (running or not). */
async function clusterMembers(ctl: Rabbitmqctl): Promise<string[]> {
  const status = await ctl.json<{ disk_nodes?: string[]; ram_nodes?: string[] }>([
    'cluster_status',
  ]);
  return [...(status.disk_nodes ?? []), ...(status.ram_nodes ?? [])];
}

function chownTree(dir: string, user: string): void {
  const ids = userIds(user);
  if (!ids) return;
  chownSync(dir, ids.uid, ids.gid);
  for (const name of ['rabbitmq.conf', 'enabled_plugins', 'rabbitmq-env.conf']) {
    chownSync(join(dir, name), ids.uid, ids.gid);
  }
  for (const sub of ['mnesia', 'log']) {
    mkdirSync(join(dir, sub), { recursive: true });
    chownSync(join(dir, sub), ids.uid, ids.gid);
  }
  // The parent directories must let the node through.
}

function userIds(user: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { env, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) {
        reject(
          new MxgError('BROKER_ADMIN_FAILED', `${program}: ${stderr.trim() || error.message}`),
        );
        return;
      }
      resolve();
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed node whose parent (init, after -detached) has not reaped it yet is a zombie:
  // dead, though signal 0 still finds it.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    // Gone in between — or no /proc on this system, where the signal is all there is.
    return !existsSync('/proc/self/stat');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
