import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { amqpSecretName, deadLetterQueue, inboxQueue, outgoingQueue } from '@mxg/config';
import {
  createClusterScratchBroker,
  startBrokerCluster,
  type BrokerCluster,
  type ClusterNode,
} from '../apps/cli/src/services/broker-cluster';
import {
  createExchangeNetwork,
  type ExchangeNetwork,
  type GatewayUnderTest,
} from './support/exchange-network';
import { eventually, registrationRequest } from './support/exchange-pair';
import {
  auditCounts,
  refusals,
  statusCounts,
  storedIncoming,
  unpublishedOutbox,
} from './support/exchange-checks';
import { queueState } from './support/faults';
import type { GatewayProcess } from './support/gateway-process';
import type { TestBroker } from './support/test-broker';

/**
 * #15 scale-out: a party's broker is a three-node RabbitMQ cluster with quorum queues, and KZ
 * runs two gateway instances on one database. Under a steady stream of messages the node that
 * KZ's gateways are connected to — and that leads every quorum queue — is killed with SIGKILL.
 * The gateways fail over to the other nodes (`amqp.alternates`), the queues elect new leaders
 * on the surviving majority, and every message reaches AZ's national system exactly once, its
 * receipt back at KZ.
 */

/** Messages per run: half before and during the kill, half after the failover. */
const N = 300;
/** Submissions in flight at once, spread over KZ's two instances. */
const PARALLEL = 6;
/** Starting the cluster (a minute from nothing) and two gateways with fresh databases. */
const SETUP_MS = 300_000;

describe('#15 a broker node of a three-node cluster killed under load', () => {
  let cluster: BrokerCluster;
  let broker: TestBroker;
  let network: ExchangeNetwork;
  let kz: GatewayUnderTest;
  let az: GatewayUnderTest;
  let kzSecond: GatewayProcess;
  let varDir: string;

  beforeAll(async () => {
    cluster = await startBrokerCluster();
    const [c1, c2, c3] = cluster.nodes;
    varDir = mkdtempSync(join(tmpdir(), 'mxg-cluster-var-'));
    network = await createExchangeNetwork({
      parties: ['KZ', 'AZ'],
      broker: async (parties) =>
        (broker = await createClusterScratchBroker(cluster, { prefix: 'mxg-test', parties })),
      amqpFromConfig: true,
      // KZ's gateways start on c1, AZ's on c2; each has the other nodes as alternates.
      configureGateway: {
        KZ: (dir) => onCluster(dir, 'KZ', [c1, c2, c3]),
        AZ: (dir) => onCluster(dir, 'AZ', [c2, c3, c1]),
      },
      env: { KZ: { MXG_VAR_DIR: varDir }, AZ: { MXG_VAR_DIR: varDir } },
    });
    kz = network.gateway('KZ');
    az = network.gateway('AZ');
    kzSecond = await kz.spawnInstance();
  }, SETUP_MS);

  afterAll(async () => {
    // The killed node comes back (and rejoins) before the vhosts are dropped through it.
    await cluster?.ensureRunning();
    await network?.close();
    if (varDir) rmSync(varDir, { recursive: true, force: true });
  }, SETUP_MS);

  /** Writes the party's gateway file to reach its vhost on `nodes` (first, then alternates). */
  function onCluster(dir: string, party: string, nodes: ClusterNode[]): void {
    const file = join(dir, 'gateways', `${party.toLowerCase()}.yaml`);
    const gateway = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const [first, ...alternates] = nodes;
    gateway.amqp = {
      host: '127.0.0.1',
      port: first.port,
      vhost: broker.vhost(party),
      user: broker.user(party),
      alternates: alternates.map((n) => ({ host: '127.0.0.1', port: n.port })),
    };
    writeFileSync(file, stringify(gateway));
    mkdirSync(join(varDir, 'secrets'), { recursive: true });
    writeFileSync(
      join(varDir, 'secrets', amqpSecretName(broker.user(party))),
      decodeURIComponent(new URL(broker.userUrl(party)).password),
      { mode: 0o600 },
    );
  }

  /** Where the party's gateways are connected: the AMQP port of each connection of its user. */
  async function connectedPorts(party: string, via: ClusterNode): Promise<number[]> {
    const connections = await cluster
      .ctl(via)
      .json<{ user: string; port: number }[]>(['list_connections', 'user', 'port']);
    return connections
      .filter((c) => c.user === broker.user(party))
      .map((c) => c.port)
      .sort();
  }

  async function queues(party: string, via: ClusterNode) {
    return cluster
      .ctl(via)
      .json<{ name: string; type: string; leader: string; members: string[] }[]>([
        'list_queues',
        '-p',
        broker.vhost(party),
        'name',
        'type',
        'leader',
        'members',
      ]);
  }

  /** Submits a MIG-5 request as KZ-MVD at one of KZ's instances; returns its id once accepted. */
  async function submitAt(url: string): Promise<string> {
    const response = await fetch(`${url}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${kz.token('KZ-MVD')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(registrationRequest()),
    });
    const body = (await response.json()) as { id: string };
    if (response.status !== 202) {
      throw new Error(`submission refused: ${response.status} ${JSON.stringify(body)}`);
    }
    return body.id;
  }

  /** AZ's national system reads its whole inbox through the API, page by page. */
  async function inboxIds(): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const query: string = after === null ? '?limit=500' : `?limit=500&after=${after}`;
      const page = await az.api<{ messages: { id: string }[]; next: string | null }>(
        'AZ-DMX',
        'GET',
        `/inbox${query}`,
      );
      expect(page.status).toBe(200);
      if (page.body.messages.length === 0) return ids;
      ids.push(...page.body.messages.map((m) => m.id));
      after = page.body.next;
    }
  }

  /** Where the messages stand, for a failure's message: the databases, queues, link, logs. */
  async function diagnosis(): Promise<string> {
    const [, c2] = cluster.nodes;
    const safely = async (what: () => Promise<unknown>) => {
      try {
        return JSON.stringify(await what());
      } catch (error) {
        return `unavailable: ${(error as Error).message}`;
      }
    };
    const lines = [
      `KZ outgoing by status: ${await safely(() => statusCounts(kz))}`,
      `AZ stored: ${await safely(async () => (await storedIncoming(az)).length)}`,
      `AZ refusals: ${await safely(() => refusals(az))}`,
      `unpublished outbox rows: KZ ${await safely(() => unpublishedOutbox(kz))}, AZ ${await safely(() => unpublishedOutbox(az))}`,
    ];
    for (const party of ['KZ', 'AZ']) {
      lines.push(
        `${party} queues: ${await safely(() =>
          cluster
            .ctl(c2)
            .json([
              'list_queues',
              '-p',
              broker.vhost(party),
              'name',
              'leader',
              'messages_ready',
              'messages_unacknowledged',
              'consumers',
            ]),
        )}`,
      );
    }
    lines.push(`links: ${await safely(() => cluster.ctl(c2).json(['shovel_status']))}`);
    lines.push(`KZ connections: ${await safely(() => connectedPorts('KZ', c2))}`);
    lines.push(`AZ connections: ${await safely(() => connectedPorts('AZ', c2))}`);
    const tail = (text: string) => text.split('\n').slice(-40).join('\n');
    lines.push(`KZ 1:\n${tail(kz.process.output())}`);
    lines.push(`KZ 2:\n${tail(kzSecond.output())}`);
    lines.push(`AZ:\n${tail(az.process.output())}`);
    return lines.join('\n');
  }

  it('#15 every quorum queue has a member on each of the three nodes, its leader on c1', async () => {
    const [c1] = cluster.nodes;
    const names = cluster.nodes.map((n) => n.name).sort();
    for (const party of ['KZ', 'AZ']) {
      const found = await queues(party, c1);
      expect(found.map((q) => q.name).sort()).toEqual(
        [
          inboxQueue(party),
          deadLetterQueue(party),
          outgoingQueue(party === 'KZ' ? 'AZ' : 'KZ'),
        ].sort(),
      );
      for (const queue of found) {
        expect(queue.type).toBe('quorum');
        expect([...queue.members].sort()).toEqual(names);
        expect(queue.leader).toBe(c1.name);
      }
    }
  });

  it('#15 kills the node KZ is connected to under load: each message reaches AZ once, each receipt returns', async () => {
    const [c1, c2, c3] = cluster.nodes;
    // Before: both KZ instances on c1, AZ on c2; two consumers on each inbox.
    await eventually(
      async () =>
        (await queueState(cluster.adminUrl(c2, broker.vhost('KZ')), inboxQueue('KZ'))).consumers ===
        2
          ? true
          : undefined,
      20_000,
      'two KZ instances consuming',
    );
    expect(await connectedPorts('KZ', c2)).toEqual([c1.port, c1.port]);
    expect(await connectedPorts('AZ', c2)).toEqual([c2.port]);

    const instances = [kz.process.url, kzSecond.url];
    const ids: string[] = [];
    let tickets = 0;
    let killedAt: number | undefined;
    let deliveredAtKill: number | undefined;
    let killedTime = 0;
    /** Submits until `count` tickets are taken; the one taking ticket `killAt` kills c1. */
    const stream = (count: number, killAt?: number) =>
      Promise.all(
        Array.from({ length: PARALLEL }, async (_, worker) => {
          while (tickets < count) {
            const ticket = ++tickets;
            if (ticket === killAt) {
              killedAt = ids.length;
              deliveredAtKill = (await statusCounts(kz)).delivered ?? 0;
              await cluster.kill(c1);
              killedTime = Date.now();
            }
            ids.push(await submitAt(instances[(ticket + worker) % instances.length]));
          }
        }),
      );

    const started = Date.now();
    // The first half: c1 dies at a third, while messages are being submitted, published,
    // shovelled and consumed; the other workers keep submitting through the kill.
    await stream(N / 2, N / 3);
    // Under load: just before the kill, accepted messages were still on their way.
    expect(killedAt).toBeGreaterThan(0);
    expect(deliveredAtKill).toBeLessThan(killedAt!);
    // The kill is seen: the cluster runs without c1, and KZ's two instances and AZ's gateway
    // are connected to the surviving nodes.
    await eventually(
      async () => ((await cluster.runningNodes(c2)).includes(c1.name) ? undefined : true),
      30_000,
      'the cluster without c1',
    );
    await eventually(
      async () => {
        const ports = await connectedPorts('KZ', c2);
        return ports.length === 2 && ports.every((p) => p === c2.port || p === c3.port)
          ? true
          : undefined;
      },
      30_000,
      "KZ's instances failed over to c2 / c3",
    );
    // An upper bound: polling through rabbitmqctl takes a second or two per look.
    const failoverSeen = (Date.now() - killedTime) / 1000;
    // The second half, on the two surviving nodes.
    await stream(N);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);

    await eventually(
      async () => ((await statusCounts(kz)).delivered === N ? true : undefined),
      180_000,
      `${N} messages delivered at KZ`,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await diagnosis()}`);
    });
    const seconds = (Date.now() - started) / 1000;
    expect(await refusals(az)).toEqual({});
    expect(await statusCounts(kz)).toEqual({ delivered: N });
    // Exactly once at the national system: every id in AZ's inbox, none twice.
    const inbox = await inboxIds();
    expect(inbox).toHaveLength(N);
    expect([...inbox].sort()).toEqual([...ids].sort());
    expect(await storedIncoming(az)).toEqual([...ids].sort());
    const verified = await auditCounts(az, 'message.verified');
    expect(ids.filter((id) => verified.get(id) !== 1)).toEqual([]);
    const receipts = await auditCounts(kz, 'receipt.received');
    expect(ids.filter((id) => receipts.get(id) !== 1)).toEqual([]);
    // Still one node down: the queues were served by the surviving majority.
    expect(await cluster.runningNodes(c2)).not.toContain(c1.name);
    for (const queue of await queues('KZ', c2)) expect(queue.leader).not.toBe(c1.name);
    // Copies the failover made (re-published after an unconfirmed publish, or redelivered
    // after an unacknowledged delivery), which AZ recognised and did not store again.
    const duplicates = await auditCounts(az, 'message.received', 'DUPLICATE_MESSAGE');
    process.stdout.write(
      `broker-cluster: ${N} messages submitted → delivered and receipted in ${seconds.toFixed(1)} s ` +
        `(${(N / seconds).toFixed(1)} msg/s); c1 killed after ${killedAt} accepted, ` +
        `${deliveredAtKill} delivered; failover seen after ${failoverSeen.toFixed(1)} s; ${[...duplicates.values()].reduce((a, b) => a + b, 0)} duplicate copies absorbed at AZ\n`,
    );
  }, 420_000);
});
