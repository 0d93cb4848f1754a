import { randomBytes } from 'node:crypto';
import { type ChannelModel, connect } from 'amqplib';
import { brokerLinkName, type MxgConfigService, partyVhost } from '@mxg/config';
import { MxgError } from '@mxg/core';
import { type ConfiguredNode, configuredBrokerNodes, sovereignNodes } from './broker-node-config';
import { brokerNodeCtl } from './broker-nodes';
import { answers } from './port-answers';
import { type AmqpSocketOptions, linkParties } from './broker-topology';
import type { BrokerUserSpec } from './provision-broker';
import {
  nodeOf,
  nodeSocketOptions,
  nodeUserUrl,
  partyVhostOn,
  provisionSovereignBrokers,
  type SovereignNode,
} from './provision-broker-nodes';
import type { Rabbitmqctl } from './rabbitmqctl';

/**
 * A throw-away set of party vhosts on the parties' own broker nodes (#15), for a test file or a
 * benchmark run.
 */
export interface ScratchBroker {
  readonly parties: readonly string[];
  /** The party's own vhost. */
  vhost(party: string): string;
  /** The node that hosts it (`mxg-kz@localhost`). */
  node(party: string): string;
  /** The party's own AMQP user (as its gateway connects). */
  user(party: string): string;
  /**
   * The party's gateway's AMQP_URL: AMQPS to its node, its user's password, and the TLS files in
   * the query (`cacertfile`: the node's party's CA; `certfile`, `keyfile`: that party's client
   * certificate), which the gateway reads as RabbitMQ's own URIs do.
   */
  userUrl(party: string): string;
  /**
   * A connection as the party's own user, as its gateway connects (over AMQPS to its node), into
   * its own vhost or — to see it refused — another of that node.
   */
  connectUser(party: string, vhost?: string): Promise<ChannelModel>;
  /**
   * A connection to the party's vhost as its node's administrator, over AMQPS; `socket` adds
   * socket options (e.g. `noDelay`).
   */
  connectAdmin(party: string, socket?: Record<string, unknown>): Promise<ChannelModel>;
  /**
   * What {@link connectAdmin} connects with — the URL and the TLS socket options — for a
   * connection made elsewhere (a benchmark's worker thread).
   */
  adminTarget(party: string): { url: string; socket: AmqpSocketOptions };
  /** rabbitmqctl of the node that hosts the party's vhost. */
  ctl(party: string): Rabbitmqctl;
  /**
   * The user the link `from` → `to` logs in as on `to`'s node (its link certificate's DN), which
   * it stamps as `user_id` on what it delivers; `undefined` when both vhosts share a node.
   */
  linkUser(from: string, to: string): string | undefined;
  /** Where the link `from` → `to` is defined: its shovel's name and vhost (on `from`'s node). */
  link(from: string, to: string): { vhost: string; name: string };
  /** Stops the link (its messages wait in `from`'s outgoing queue), and starts it again. */
  stopLink(from: string, to: string): Promise<void>;
  startLink(from: string, to: string): Promise<void>;
  /** Deletes the links, the vhosts and the users (never the nodes' shared link users). */
  drop(): Promise<void>;
}

/**
 * The party whose node hosts the scratch vhosts of parties without a node of their own (KG, RU,
 * … in tests): KZ's links to them cross nodes over mutual TLS, theirs to AZ and to each other
 * stay inside AZ's node.
 */
const GUEST_HOST_PARTY = 'AZ';

/**
 * A vhost and a user per party, `<prefix>-<hex>-kz`, …, the user with a fresh password: names of
 * their own, so two test files or checkouts on one machine never touch each other's.
 */
export function scratchUserSpecs(prefix: string, parties: readonly string[]): BrokerUserSpec[] {
  const base = `${prefix}-${randomBytes(4).toString('hex')}`;
  return parties.map((party) => ({
    party,
    vhost: partyVhost(base, party),
    user: partyVhost(base, party),
    password: { value: randomBytes(18).toString('base64url'), created: true },
  }));
}

/**
 * One vhost per party (`<prefix>-<hex>-kz`, …), each on its party's own broker node (KZ on
 * mxg-kz, AZ on mxg-az; other parties on AZ's), provisioned exactly as `mxg services provision`
 * does — same function, {@link provisionSovereignBrokers}, the nodes left as they run — but with
 * users and passwords of its own (`<prefix>-<hex>-kz`), so that two checkouts or test files on
 * one machine never reset each other's passwords or permissions. Links between vhosts of two
 * nodes are shovels over AMQPS with EXTERNAL login by the nodes' link certificates; between
 * vhosts of one node, in-node shovels.
 */
export async function createScratchBroker(options: {
  prefix: string;
  parties: readonly string[];
  /** The checkout's configuration: its gateway files name the nodes (`amqp.node`). */
  config: MxgConfigService;
}): Promise<ScratchBroker> {
  const { config } = options;
  const varDir = config.paths.var;
  const configured = configuredBrokerNodes(config);
  if (configured.length === 0) {
    throw new MxgError(
      'BROKER_NODE_FAILED',
      `no gateway file in ${config.paths.config} names a broker node of its own (amqp.node): scratch brokers run on the parties' nodes`,
    );
  }
  const hostOf = (party: string): ConfiguredNode =>
    configured.find((n) => n.party === party) ??
    configured.find((n) => n.party === GUEST_HOST_PARTY) ??
    configured[0];
  const specs = scratchUserSpecs(options.prefix, options.parties);
  // Only the nodes that host a party here: no rabbitmqctl call for the others.
  const nodes = sovereignNodes(
    config,
    configured,
    (n) => specs.filter((s) => hostOf(s.party) === n),
    { links: false },
  ).filter((n) => n.parties.length > 0);
  for (const node of nodes) {
    if (!(await answers(node.spec.port))) {
      throw new MxgError(
        'BROKER_NODE_FAILED',
        `broker node ${node.spec.node} (${node.spec.party}'s) does not answer on port ${node.spec.port}: run \`npm run services\`, which starts the parties' nodes (\`npm test\` runs it)`,
      );
    }
  }
  const spec = (party: string) => {
    const found = specs.find((s) => s.party === party);
    if (!found) throw new Error(`no party ${party} on this scratch broker`);
    return found;
  };
  const nodeHosting = (party: string): SovereignNode => nodeOf(nodes, party);
  const ctl = (party: string) => brokerNodeCtl(varDir, nodeHosting(party).spec.node);
  const url = (party: string, user: string, password: string, vhost = spec(party).vhost) => {
    const node = nodeHosting(party);
    return `amqps://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${node.host}:${node.spec.port}/${encodeURIComponent(vhost)}`;
  };
  const adminTarget = (party: string) => {
    const { admin } = nodeHosting(party);
    return {
      url: url(party, admin.user, admin.password.value),
      socket: nodeSocketOptions(nodeHosting(party)),
    };
  };
  const drop = async () => {
    const ignore = () => undefined;
    // The links first: a shovel whose source vhost goes last would retry its peer meanwhile.
    for (const from of specs) {
      for (const to of specs.filter((s) => s !== from)) {
        await ctl(from.party)
          .run([
            'clear_parameter',
            '-p',
            from.vhost,
            'shovel',
            brokerLinkName(from.party, to.party),
          ])
          .catch(ignore);
      }
    }
    // A vhost takes its link users' permissions on it along; the link users stay.
    for (const s of specs) await ctl(s.party).run(['delete_vhost', s.vhost]).catch(ignore);
    for (const s of specs) await ctl(s.party).run(['delete_user', s.user]).catch(ignore);
  };
  try {
    await provisionSovereignBrokers(varDir, nodes, { start: false });
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    parties: options.parties,
    vhost: (party) => spec(party).vhost,
    node: (party) => nodeHosting(party).spec.node,
    user: (party) => spec(party).user,
    userUrl: (party) => nodeUserUrl(nodeHosting(party), spec(party)),
    connectUser: (party, vhost) =>
      connect(
        url(party, spec(party).user, spec(party).password.value, vhost),
        nodeSocketOptions(nodeHosting(party)),
      ),
    connectAdmin: (party, socket = {}) => {
      const target = adminTarget(party);
      return connect(target.url, { ...target.socket, ...socket });
    },
    adminTarget,
    ctl,
    linkUser: (from, to) => partyVhostOn(nodes, to, nodeHosting(from)).linkUser,
    link: (from, to) => ({ vhost: spec(from).vhost, name: brokerLinkName(from, to) }),
    stopLink: async (from, to) => {
      await ctl(from).run([
        'clear_parameter',
        '-p',
        spec(from).vhost,
        'shovel',
        brokerLinkName(from, to),
      ]);
    },
    startLink: async (from, to) => {
      await linkParties(
        ctl(from),
        partyVhostOn(nodes, from),
        partyVhostOn(nodes, to, nodeHosting(from)),
      );
    },
    drop,
  };
}
