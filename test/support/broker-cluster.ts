import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { slotNodeName, slotPort } from '@mxg/config';
import {
  brokerNodeCtl,
  brokerNodesDir,
  type BrokerNodeSpec,
  ensureBrokerNode,
  stopBrokerNode,
} from '../../apps/cli/src/services/broker-nodes';
import type { Rabbitmqctl } from '../../apps/cli/src/services/rabbitmqctl';

/**
 * #15 scale-out: a party's broker as a RabbitMQ cluster of real nodes on this machine —
 * `mxg-c1@localhost` … on AMQPS ports `firstPort`, `firstPort + 1`, …, each configured exactly as
 * a party's single node (`ensureBrokerNode`: TLS only, peers verified, EXTERNAL by DN), joined
 * to the first with `join_cluster`. Quorum queues declared on it get a replica on every node.
 * Started fresh (any earlier data deleted) and destroyed afterwards: a test's own.
 */
export interface BrokerCluster {
  /** The nodes, first the one the others joined. */
  readonly nodes: readonly BrokerNodeSpec[];
  ctl(node: string): Rabbitmqctl;
  /** The nodes that run now, as the first surviving node sees them. */
  runningNodes(): Promise<string[]>;
  /** The node leading a quorum queue's Raft group. */
  leaderOf(vhost: string, queue: string): Promise<string>;
  /** Kills the node's Erlang VM with SIGKILL: no clean shutdown, as a crashed host. */
  kill(node: string): void;
  /** Stops every node still running and deletes their data. */
  destroy(): Promise<void>;
}

export async function startBrokerCluster(
  varDir: string,
  template: Omit<BrokerNodeSpec, 'node' | 'port'>,
  options: { size?: number; firstPort?: number; slot?: number } = {},
): Promise<BrokerCluster> {
  const size = options.size ?? 3;
  const firstPort = options.firstPort ?? 5791;
  // #17: the checkout's own nodes and ports (libs/config/src/checkout-slot.ts).
  const slot = options.slot ?? 0;
  const nodes: BrokerNodeSpec[] = Array.from({ length: size }, (_, i) => ({
    ...template,
    node: slotNodeName(`mxg-c${i + 1}@localhost`, slot),
    port: slotPort(firstPort + i, slot),
  }));
  const dirOf = (node: string) => join(brokerNodesDir(varDir), node.split('@')[0]);
  const ctl = (node: string) => brokerNodeCtl(varDir, node);
  const killed = new Set<string>();
  const destroy = async () => {
    await Promise.all(nodes.map((n) => stopBrokerNode(varDir, n.node, n.port)));
    for (const n of nodes) rmSync(dirOf(n.node), { recursive: true, force: true });
  };
  const survivor = () => {
    const found = nodes.find((n) => !killed.has(n.node));
    if (!found) throw new Error('every node of the cluster was killed');
    return found.node;
  };

  await destroy(); // a run that died midway left its nodes, or their data
  try {
    await Promise.all(nodes.map((n) => ensureBrokerNode(varDir, n)));
    const [first, ...others] = nodes;
    for (const n of others) {
      await ctl(n.node).run(['stop_app']);
      await ctl(n.node).run(['join_cluster', first.node]);
      await ctl(n.node).run(['start_app']);
    }
  } catch (error) {
    await destroy();
    throw error;
  }

  const cluster: BrokerCluster = {
    nodes,
    ctl,
    runningNodes: async () =>
      (
        await ctl(survivor()).json<{ running_nodes: string[] }>(['cluster_status'])
      ).running_nodes.sort(),
    leaderOf: async (vhost, queue) => {
      const queues = await ctl(survivor()).json<{ name: string; leader: string }[]>([
        'list_queues',
        '-p',
        vhost,
        'name',
        'leader',
      ]);
      const found = queues.find((q) => q.name === queue);
      if (!found) throw new Error(`no queue ${queue} in ${vhost}`);
      return found.leader;
    },
    kill: (node) => {
      const pid = Number(readFileSync(join(dirOf(node), 'rabbitmq.pid'), 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      killed.add(node);
    },
    destroy,
  };
  const running = await cluster.runningNodes();
  if (running.length !== size) {
    await destroy();
    throw new Error(`the cluster formed with ${running.join(', ')}, not ${size} nodes`);
  }
  return cluster;
}
