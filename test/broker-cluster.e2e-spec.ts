import {
  brokerLinkName,
  inboxQueue,
  MxgConfigService,
  outgoingQueue,
  slotNodeName,
  slotPort,
} from '@mxg/config';
import { configuredBrokerNodes, sovereignNodes } from '../apps/cli/src/services/broker-node-config';
import { brokerNodeCtl } from '../apps/cli/src/services/broker-nodes';
import { type LinkWatch, watchLinks } from '../apps/cli/src/services/link-watch';
import type { Rabbitmqctl } from '../apps/cli/src/services/rabbitmqctl';
import { scratchUserSpecs } from '../apps/cli/src/services/scratch-broker';
import {
  nodeUserUrl,
  provisionSovereignBrokers,
  type SovereignNode,
} from '../apps/cli/src/services/provision-broker-nodes';
import { type BrokerCluster, startBrokerCluster } from './support/broker-cluster';
import { eventually } from './support/exchange-pair';
import { createExchangeNetwork, type ExchangeNetwork } from './support/exchange-network';
import { expectEachDeliveredOnce, incomingCount, trafficBothWays } from './support/traffic';

/**
 * #15 scale-out: "a party's broker can be a three-node RabbitMQ cluster with quorum queues; a
 * test kills one node under load and nothing is lost or delivered twice to the national system".
 *
 * AZ's broker is a cluster of three real nodes (mxg-c1..3@localhost, each TLS-only like a
 * party's node); its quorum queues have a replica on each. KZ keeps its own node; its link
 * delivers to whichever cluster node answers. Two AZ gateway instances share AZ's database and
 * vhost, the first connected to the node that leads AZ's inbox, the second to another. Under
 * traffic both ways, the leading node is killed with SIGKILL — its inbox leadership, the first
 * instance's connection and whatever link connection it held go with it. Events are ordered by
 * what the system reports (deliveries counted in the databases), never by the clock alone.
 */

const PACE_MS = 250;
const BEFORE_KILL_DELIVERIES = 20;
const AFTER_KILL_DELIVERIES = 30;

describe('#15 a node of a three-node broker cluster killed under load', () => {
  const base = MxgConfigService.load();
  const varDir = base.paths.var;
  const specs = scratchUserSpecs('mxg-test', ['KZ', 'AZ']);
  const spec = (party: string) => specs.find((s) => s.party === party)!;
  let cluster: BrokerCluster;
  let kz: SovereignNode;
  let network: ExchangeNetwork;
  let leader: string;
  const watches: LinkWatch[] = [];
  const watchLog: string[] = [];

  beforeAll(async () => {
    const configured = configuredBrokerNodes(base);
    const kzConfigured = configured.find((n) => n.party === 'KZ')!;
    const azConfigured = configured.find((n) => n.party === 'AZ')!;
    // AZ's cluster: the first node stands for it in provisioning (users, vhosts, permissions
    // and definitions are cluster-wide); the others are reached as its alternates.
    const [kzNode, c1] = sovereignNodes(
      base,
      [
        kzConfigured,
        {
          ...azConfigured,
          node: slotNodeName('mxg-c1@localhost', base.checkoutSlot),
          port: slotPort(5791, base.checkoutSlot),
          links: [],
        },
      ],
      (n) => specs.filter((s) => s.party === n.party),
      { links: false },
    );
    cluster = await startBrokerCluster(
      varDir,
      { party: 'AZ', server: c1.spec.server, trusted: c1.spec.trusted },
      { slot: base.checkoutSlot },
    );
    expect(await cluster.runningNodes()).toEqual(
      ['mxg-c1@localhost', 'mxg-c2@localhost', 'mxg-c3@localhost'].map((node) =>
        slotNodeName(node, base.checkoutSlot),
      ),
    );
    const [, ...others] = cluster.nodes;
    kz = {
      ...kzNode,
      links: [
        {
          party: 'AZ',
          host: c1.host,
          port: c1.spec.port,
          vhost: spec('AZ').vhost,
          alternates: others.map((n) => ({ host: c1.host, port: n.port })),
        },
      ],
    };
    await provisionSovereignBrokers(varDir, [kz, c1], { start: false });
    // Each broker's operator watches its links (`mxg services watch-links`): one that makes no
    // progress is restarted.
    const link = (from: string, to: string) => ({
      vhost: spec(from).vhost,
      name: brokerLinkName(from, to),
      queue: outgoingQueue(to),
    });
    const watch = {
      intervalMs: 5_000,
      stallMs: 20_000,
      log: (line: string) => watchLog.push(line),
    };
    watches.push(
      watchLinks({
        ...watch,
        ctls: [brokerNodeCtl(varDir, kz.spec.node)],
        links: [link('KZ', 'AZ')],
      }),
      watchLinks({
        ...watch,
        ctls: cluster.nodes.map((n) => cluster.ctl(n.node)),
        links: [link('AZ', 'KZ')],
      }),
    );

    const inboxMembers = await cluster
      .ctl(c1.spec.node)
      .json<{ name: string; members: string[] }[]>([
        'list_queues',
        '-p',
        spec('AZ').vhost,
        'name',
        'members',
      ]);
    expect(inboxMembers.find((q) => q.name === inboxQueue('AZ'))?.members.sort()).toEqual(
      cluster.nodes.map((n) => n.node),
    );
    leader = await cluster.leaderOf(spec('AZ').vhost, inboxQueue('AZ'));
    const leaderFirst = [...cluster.nodes].sort(
      (a, b) => Number(b.node === leader) - Number(a.node === leader),
    );
    const azUrls = (order: typeof leaderFirst) =>
      order.map((n) => nodeUserUrl(c1, spec('AZ'), n.port)).join(',');

    network = await createExchangeNetwork({
      parties: ['KZ', 'AZ'],
      env: {
        KZ: { AMQP_URL: nodeUserUrl(kz, spec('KZ')) },
        // The first instance on the inbox's leader, the cluster's other nodes after it.
        AZ: { AMQP_URL: azUrls(leaderFirst), MXG_PUBLISH_CONFIRM_TIMEOUT_MS: '10000' },
      },
    });
    // A second instance of AZ's gateway (same database and vhost), on a node that survives.
    await network
      .gateway('AZ')
      .spawnInstance({ AMQP_URL: azUrls([...leaderFirst.slice(1), leaderFirst[0]]) });
  }, 420_000);

  afterAll(async () => {
    await Promise.all(watches.map((w) => w.stop()));
    await network?.close();
    await cluster?.destroy();
    const ctl = brokerNodeCtl(varDir, kz?.spec.node ?? 'mxg-kz@localhost');
    await ctl.run(['delete_vhost', spec('KZ').vhost]).catch(() => undefined);
    await ctl.run(['delete_user', spec('KZ').user]).catch(() => undefined);
  }, 120_000);

  /** The queues and links on both brokers, for a test that waited in vain. */
  async function whereItStands(): Promise<string> {
    const lines: string[] = [];
    const look = async (label: string, ctl: Rabbitmqctl, vhost: string) => {
      const queues = await ctl
        .json<Record<string, unknown>[]>([
          'list_queues',
          '-p',
          vhost,
          'name',
          'messages_ready',
          'messages_unacknowledged',
          'consumers',
          'leader',
        ])
        .catch((e: Error) => [{ error: e.message }]);
      const shovels = await ctl
        .json<Record<string, unknown>[]>(['shovel_status'])
        .catch((e: Error) => [{ error: e.message }]);
      lines.push(`${label} queues: ${JSON.stringify(queues)}`);
      lines.push(`${label} shovels: ${JSON.stringify(shovels)}`);
    };
    await look('KZ', brokerNodeCtl(varDir, kz.spec.node), spec('KZ').vhost);
    const alive = (await cluster.runningNodes().catch(() => []))[0] ?? cluster.nodes[1].node;
    await look(`AZ (${alive})`, cluster.ctl(alive), spec('AZ').vhost);
    lines.push(`AZ gateway: ${network.gateway('AZ').process.output().slice(-3000)}`);
    return lines.join('\n');
  }

  it('#15 every message reaches the addressee’s national system exactly once, every receipt returns, the queue elects a new leader', async () => {
    const [kzGw, azGw] = [network.gateway('KZ'), network.gateway('AZ')];
    const traffic = trafficBothWays(kzGw, azGw, PACE_MS);
    const { kzToAz, azToKz } = traffic;
    let atKill = 0;
    try {
      await eventually(
        async () => ((await incomingCount(azGw)) >= BEFORE_KILL_DELIVERIES ? true : undefined),
        90_000,
        `${BEFORE_KILL_DELIVERIES} messages from KZ at AZ before the kill`,
      );
      atKill = await incomingCount(azGw);
      cluster.kill(leader);
      // The cluster goes on with two nodes, and the inbox with a new leader among them.
      await eventually(
        async () => ((await cluster.runningNodes()).length === 2 ? true : undefined),
        60_000,
        'the cluster without the killed node',
      );
      await eventually(
        async () => {
          const now = await cluster.leaderOf(spec('AZ').vhost, inboxQueue('AZ')).catch(() => '');
          return now !== '' && now !== leader ? now : undefined;
        },
        60_000,
        'a new leader of the inbox',
      );
      // Traffic goes on across the kill: more arrives after it, through the surviving nodes.
      await eventually(
        async () =>
          (await incomingCount(azGw)) >= atKill + AFTER_KILL_DELIVERIES ? true : undefined,
        180_000,
        `${AFTER_KILL_DELIVERIES} more messages from KZ at AZ after the kill`,
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await whereItStands()}`);
      });
    } finally {
      await traffic.stop();
    }
    await expectEachDeliveredOnce(kzGw, azGw, traffic, 240_000);
    // The first AZ instance lost its node and went on with another.
    expect(azGw.process.output()).toMatch(
      new RegExp(
        `broker unavailable at localhost:${cluster.nodes.find((n) => n.node === leader)!.port}`,
      ),
    );
    console.log(
      `broker-cluster: ${kzToAz.ids.length} KZ→AZ and ${azToKz.ids.length} AZ→KZ messages; killed ${leader} after ${atKill} had arrived at AZ; link watch: ${watchLog.join('; ') || 'nothing to do'}`,
    );
  }, 600_000);
});
