import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BROKER_EXCHANGE, escapeForPermission, routingKey } from '@mxg/config';
import {
  type AmqpSocketOptions,
  declareBrokerTopology,
  linkParties,
  localLinkUri,
  type PartyVhost,
} from './broker-topology';
import { brokerNodeCtl, type BrokerNodeSpec, ensureBrokerNode } from './broker-nodes';
import { type BrokerUserSpec, provisionBroker } from './provision-broker';
import type { Rabbitmqctl } from './rabbitmqctl';

/**
 * One party's own broker node (#15) and the vhosts it hosts: in development its party's, in
 * tests possibly further parties' (KG, RU) — a node is a party's infrastructure, the vhost
 * only a tenant.
 */
export interface SovereignNode {
  readonly spec: BrokerNodeSpec;
  /** The name clients and peers' links reach it by (and its certificate carries). */
  readonly host: string;
  /** The node's administrator, a password user that logs in over AMQPS (guest is deleted). */
  readonly admin: { readonly user: string; readonly password: { value: string; created: boolean } };
  /**
   * The TLS files of connections to this node from this machine: the node's party's CA (the
   * server certificate chains to it) and that party's client certificate.
   */
  readonly clientTls: { readonly ca: string; readonly cert: string; readonly key: string };
  /** The certificate the node's links present to peer nodes (certs/<party>/tls/link.*). */
  readonly link: { readonly cert: string; readonly key: string };
  readonly parties: readonly BrokerUserSpec[];
  /**
   * Where this node's links deliver for each peer party, as its gateway file says (`links`);
   * a peer not listed is reached at its node here (tests' scratch vhosts).
   */
  readonly links?: readonly BrokerLink[];
}

/** Where a party's links deliver for one peer: the peer's node (and its cluster's others). */
export interface BrokerLink {
  readonly party: string;
  readonly host: string;
  readonly port: number;
  readonly vhost: string;
  readonly alternates?: readonly { host: string; port: number }[];
}

/**
 * The user name RabbitMQ derives from a client certificate with `ssl_cert_login_from =
 * distinguished_name`: the subject's RDNs, most specific first, joined by commas, values
 * escaped as RFC 2253 says — measured on RabbitMQ 3.10: `CN=mxg-link-az,O=AZ,C=AZ`.
 */
export function linkUserName(certificatePem: string | Buffer): string {
  // Node prints one RDN a line, its values already escaped as RFC 2253 says (`O=A\, B`).
  return new X509Certificate(certificatePem).subject.split('\n').reverse().join(',');
}

/** amqplib's socket options for a connection to this node as a client of this machine. */
export function nodeSocketOptions(node: SovereignNode): AmqpSocketOptions {
  return {
    ca: [readFileSync(node.clientTls.ca)],
    cert: readFileSync(node.clientTls.cert),
    key: readFileSync(node.clientTls.key),
    servername: node.host,
  };
}

/**
 * A party's gateway's AMQP_URL on the node (`port`: another node of its cluster): AMQPS, the
 * user's password, and the TLS files in the query — `cacertfile` the node's party's CA,
 * `certfile`/`keyfile` that party's client certificate — which the gateway reads as RabbitMQ's
 * own URIs do.
 */
export function nodeUserUrl(
  node: SovereignNode,
  user: BrokerUserSpec,
  port: number = node.spec.port,
): string {
  const tls = new URLSearchParams({
    cacertfile: node.clientTls.ca,
    certfile: node.clientTls.cert,
    keyfile: node.clientTls.key,
  });
  return `amqps://${encodeURIComponent(user.user)}:${encodeURIComponent(user.password.value)}@${node.host}:${port}/${encodeURIComponent(user.vhost)}?${tls.toString()}`;
}

/** The administrator's AMQPS URL of a vhost on the node. */
export function nodeAdminUrl(node: SovereignNode, vhost: string): string {
  const { user, password } = node.admin;
  return `amqps://${encodeURIComponent(user)}:${encodeURIComponent(password.value)}@${node.host}:${node.spec.port}/${encodeURIComponent(vhost)}`;
}

/**
 * The destination URI of a shovel on `from`'s node delivering into `vhost` on `to`'s node: AMQPS,
 * the peer's certificate verified against the peer party's CA and its name, our link
 * certificate presented, EXTERNAL login (amqp_uri's query parameters, RabbitMQ 3.10).
 */
export function remoteLinkUri(
  from: SovereignNode,
  to: SovereignNode,
  vhost: string,
  at: { host: string; port: number } = { host: to.host, port: to.spec.port },
): string {
  const query = [
    ['cacertfile', to.clientTls.ca],
    ['certfile', from.link.cert],
    ['keyfile', from.link.key],
    ['verify', 'verify_peer'],
    ['server_name_indication', at.host],
    ['auth_mechanism', 'external'],
    ['heartbeat', '10'],
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return `amqps://${at.host}:${at.port}/${encodeURIComponent(vhost)}?${query}`;
}

/** The node that hosts a party's vhost. */
export function nodeOf(nodes: readonly SovereignNode[], party: string): SovereignNode {
  const found = nodes.find((n) => n.parties.some((p) => p.party === party));
  if (!found) throw new Error(`no broker node hosts ${party}`);
  return found;
}

/** A party's vhost as its node's administrator, and a link from `from`'s node, reach it. */
export function partyVhostOn(
  nodes: readonly SovereignNode[],
  party: string,
  from?: SovereignNode,
): PartyVhost {
  const node = nodeOf(nodes, party);
  const spec = node.parties.find((p) => p.party === party)!;
  const configured = from?.links?.find((l) => l.party === party);
  const local = from === undefined || from === node;
  return {
    party,
    vhost: spec.vhost,
    adminUrl: nodeAdminUrl(node, spec.vhost),
    adminSocket: nodeSocketOptions(node),
    linkUri: local
      ? localLinkUri(spec.vhost)
      : configured
        ? linkUris(from, node, configured)
        : remoteLinkUri(from, node, spec.vhost),
    ...(local ? {} : { linkUser: linkUserName(readFileSync(from.link.cert)) }),
  };
}

/** One URI per node of the peer's broker: a single string for a single node. */
function linkUris(from: SovereignNode, to: SovereignNode, link: BrokerLink): string | string[] {
  const uris = [link, ...(link.alternates ?? [])].map((at) =>
    remoteLinkUri(from, to, link.vhost, at),
  );
  return uris.length === 1 ? uris[0] : uris;
}

/**
 * #15: every party on its own broker node, linked over mutual TLS. For each node: started as
 * configured (`start`), its administrator, its parties' vhosts, users and topology as on a
 * shared broker ({@link provisionBroker}, {@link declareBrokerTopology}); per peer node a link
 * user named by the peer's link certificate DN, without password, that may publish only to
 * `mxg.messages` with the routing key of the vhost's party; and per pair of parties a shovel on
 * the sender's node over AMQPS (or in-node, for two parties of one node). Idempotent.
 */
export async function provisionSovereignBrokers(
  varDir: string,
  nodes: readonly SovereignNode[],
  options: { start?: boolean } = {},
): Promise<string[]> {
  const all = nodes.flatMap((n) => n.parties.map((p) => p.party));
  // Each node on its own, the nodes side by side: every rabbitmqctl call starts an Erlang VM
  // (a third of a second on an idle machine), and one node's calls wait for none of another's.
  // The changes are reported in the nodes' order all the same.
  const eachNode = async (step: (node: SovereignNode) => Promise<string[]>) =>
    (await Promise.all(nodes.map(step))).flat();
  const provisioned = await eachNode(async (node) => {
    const changes: string[] = [];
    if (options.start !== false) changes.push(...(await ensureBrokerNode(varDir, node.spec)));
    const ctl = brokerNodeCtl(varDir, node.spec.node);
    // Read once for the administrator and the link users.
    const users = (await ctl.json<{ user: string }[]>(['list_users'])).map((u) => u.user);
    changes.push(...(await ensureAdministrator(ctl, node, users)));
    changes.push(...(await provisionBroker(ctl, node.parties, node.admin.user, all)));
    for (const { party } of node.parties) {
      changes.push(...(await declareBrokerTopology(ctl, partyVhostOn(nodes, party), all)));
    }
    for (const peer of nodes.filter((n) => n !== node)) {
      changes.push(...(await ensureLinkUser(ctl, node, peer, users)));
    }
    return changes;
  });
  // The links once every node holds the users they log in as.
  const linked = await eachNode(async (node) => {
    const changes: string[] = [];
    const ctl = brokerNodeCtl(varDir, node.spec.node);
    for (const { party } of node.parties) {
      for (const to of all.filter((p) => p !== party)) {
        changes.push(
          ...(await linkParties(ctl, partyVhostOn(nodes, party), partyVhostOn(nodes, to, node))),
        );
      }
    }
    return changes;
  });
  return [...provisioned, ...linked];
}

/** The node's administrator with the checkout's generated password; `guest` deleted. */
async function ensureAdministrator(
  ctl: Rabbitmqctl,
  node: SovereignNode,
  users: readonly string[],
): Promise<string[]> {
  const changes: string[] = [];
  const { user, password } = node.admin;
  if (!users.includes(user)) {
    await ctl.run(['add_user', user], password.value);
    await ctl.run(['set_user_tags', user, 'administrator']);
    changes.push(`created administrator ${user} on ${node.spec.node}`);
  } else if (password.created || !(await ctl.authenticates(user, password.value))) {
    await ctl.run(['change_password', user], password.value);
    changes.push(`set the password of ${user} on ${node.spec.node}`);
  }
  if (users.includes('guest')) {
    // guest/guest is the same everywhere: on one machine it would open every party's node.
    await ctl.run(['delete_user', 'guest']);
    changes.push(`deleted guest on ${node.spec.node}`);
  }
  return changes;
}

/**
 * On `node`, the user `peer`'s links log in as (EXTERNAL, by its link certificate's DN): no
 * password; on each vhost of the node configure nothing, read nothing, write only the inbound
 * exchange, and there only the routing key of the vhost's own party (#15: the peer's identity
 * does nothing but deliver). Only adds: scratch brokers of parallel tests share these users.
 */
async function ensureLinkUser(
  ctl: Rabbitmqctl,
  node: SovereignNode,
  peer: SovereignNode,
  users: readonly string[],
): Promise<string[]> {
  const changes: string[] = [];
  const user = linkUserName(readFileSync(peer.link.cert));
  if (!users.includes(user)) {
    // A user is created with a password; a random one, cleared at once: EXTERNAL only.
    await ctl.run(['add_user', user], randomPassword());
    await ctl.run(['clear_password', user]);
    changes.push(`created link user ${user} on ${node.spec.node}`);
  }
  const held = await ctl.json<{ vhost: string; configure: string; write: string; read: string }[]>([
    'list_user_permissions',
    user,
  ]);
  const topics = await ctl.json<{ vhost: string; exchange: string; write: string; read: string }[]>(
    ['list_user_topic_permissions', user],
  );
  const write = escapeForPermission(BROKER_EXCHANGE);
  for (const { vhost, party } of node.parties) {
    const key = escapeForPermission(routingKey(party));
    const topic = topics.find((t) => t.vhost === vhost && t.exchange === BROKER_EXCHANGE);
    if (!topic || topic.write !== key || topic.read !== '^$') {
      // Topic permission first: between the two the user could otherwise publish any key.
      await ctl.run(['set_topic_permissions', '-p', vhost, user, BROKER_EXCHANGE, key, '^$']);
      changes.push(`link user ${user} may deliver only ${routingKey(party)} into ${vhost}`);
    }
    const p = held.find((h) => h.vhost === vhost);
    if (!p || p.configure !== '^$' || p.write !== write || p.read !== '^$') {
      await ctl.run(['set_permissions', '-p', vhost, user, '^$', write, '^$']);
      changes.push(`set permissions of link user ${user} on ${vhost}`);
    }
  }
  return changes;
}

function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}
