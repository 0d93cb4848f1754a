import {
  BROKER_DEAD_LETTER_EXCHANGE,
  BROKER_DEFAULT_EXCHANGE,
  BROKER_EXCHANGE,
  deadLetterIntakeQueue,
  escapeForPermission,
  inboxQueue,
  permissionForAny,
  routingKey,
} from '@mxg/config';
import { MxgError } from '@mxg/core';
import {
  declareBrokerTopology,
  linkParties,
  localLinkUri,
  type PartyVhost,
} from './broker-topology';
import type { Rabbitmqctl } from './rabbitmqctl';

export interface BrokerUserSpec {
  /** The party's own vhost: no other party's user may enter it. */
  vhost: string;
  user: string;
  party: string;
  password: { value: string; created: boolean };
}

interface Permission {
  vhost: string;
  configure: string;
  write: string;
  read: string;
}

interface TopicPermission {
  vhost: string;
  exchange: string;
  write: string;
  read: string;
}

/**
 * Everything on the broker for these parties, as `mxg services provision` does it: vhosts,
 * users and permissions ({@link provisionBroker}), each party's topology and the links between
 * every two parties' vhosts. `adminUrl(vhost)` is the administrator's AMQP URL of a vhost.
 * Idempotent; returns what changed.
 */
export async function provisionBrokerParties(
  ctl: Rabbitmqctl,
  specs: readonly BrokerUserSpec[],
  adminUrl: (vhost: string) => string,
  adminUser = 'guest',
): Promise<string[]> {
  const changes = await provisionBroker(ctl, specs, adminUser);
  const parties = specs.map((s) => s.party);
  const vhosts: PartyVhost[] = specs.map((s) => ({
    party: s.party,
    vhost: s.vhost,
    adminUrl: adminUrl(s.vhost),
    linkUri: localLinkUri(s.vhost),
  }));
  for (const own of vhosts) changes.push(...(await declareBrokerTopology(ctl, own, parties)));
  for (const from of vhosts) {
    for (const to of vhosts.filter((v) => v !== from)) {
      changes.push(...(await linkParties(ctl, from, to)));
    }
  }
  return changes;
}

/**
 * Creates one vhost and one user per party gateway, and gives each user exactly what its
 * gateway needs, on its own vhost only:
 * - configure nothing (the administrator declares the topology);
 * - write the two exchanges, and with topic permissions only the routing keys of the *other*
 *   parties on `mxg.messages` (a gateway never sends to its own party, #10.7) and only its
 *   own key on `mxg.dead-letter` (a refused envelope goes to its own dead-letter queue);
 * - read (consume) its own inbox only.
 * Permissions it holds anywhere else — another vhost, another exchange — are removed: RabbitMQ
 * checks nothing on a passive queue.declare, so a user let into a vhost could read the depth
 * and consumers of every queue in it. Idempotent; returns what changed.
 */
export async function provisionBroker(
  ctl: Rabbitmqctl,
  specs: readonly BrokerUserSpec[],
  adminUser = 'guest',
  /** Every party of the network, when `specs` are only those on this broker (#15: a node each). */
  allParties: readonly string[] = specs.map((s) => s.party),
): Promise<string[]> {
  const shared = specs.find((s, i) => specs.findIndex((t) => t.vhost === s.vhost) !== i);
  if (shared) {
    throw new MxgError(
      'CONFIG_INVALID',
      `vhost ${shared.vhost} is configured for more than one party: each party's gateway needs a vhost of its own (amqp.vhost)`,
    );
  }
  const changes: string[] = [];
  const vhosts = await ctl.json<{ name: string }[]>(['list_vhosts', 'name']);
  for (const { vhost } of specs) {
    if (!vhosts.some((v) => v.name === vhost)) {
      await ctl.run(['add_vhost', vhost]);
      changes.push(`created vhost ${vhost}`);
    }
    const admin = { vhost, configure: '.*', write: '.*', read: '.*' };
    if (await setPermissions(ctl, adminUser, admin))
      changes.push(`granted ${adminUser} administration of ${vhost}`);
  }

  const users = await ctl.json<{ user: string }[]>(['list_users']);
  const keys = allParties.map((p) => routingKey(p));
  for (const spec of specs) {
    if (!users.some((u) => u.user === spec.user)) {
      await ctl.run(['add_user', spec.user], spec.password.value);
      changes.push(`created user ${spec.user}`);
    } else if (
      spec.password.created ||
      !(await ctl.authenticates(spec.user, spec.password.value))
    ) {
      // A new secret, or one that no longer matches (the user was provisioned from another
      // checkout): the broker takes the one this checkout holds.
      await ctl.run(['change_password', spec.user], spec.password.value);
      changes.push(`set the password of user ${spec.user}`);
    }
    const own = routingKey(spec.party);
    // Topic permissions first: between the two, the user could otherwise publish any key.
    const topics: TopicPermission[] = [
      {
        vhost: spec.vhost,
        exchange: BROKER_EXCHANGE,
        write: permissionForAny(keys.filter((k) => k !== own)),
        read: '^$',
      },
      {
        vhost: spec.vhost,
        exchange: BROKER_DEAD_LETTER_EXCHANGE,
        write: escapeForPermission(own),
        read: '^$',
      },
    ];
    changes.push(...(await convergeTopicPermissions(ctl, spec.user, topics)));
    changes.push(
      ...(await convergePermissions(ctl, spec.user, {
        vhost: spec.vhost,
        configure: '^$',
        // Publish envelopes and receipts; put a refused envelope on the dead-letter exchange
        // with its error code; replay a dead letter into its own inbox by the default exchange
        // (a direct exchange: no topic permission applies, and every queue it reaches in this
        // vhost is one the user could reach already — but for its own inbox).
        write: permissionForAny([
          BROKER_EXCHANGE,
          BROKER_DEAD_LETTER_EXCHANGE,
          BROKER_DEFAULT_EXCHANGE,
        ]),
        // Its inbox, and its copy of its dead letters (README "Dead letters").
        read: permissionForAny([inboxQueue(spec.party), deadLetterIntakeQueue(spec.party)]),
      })),
    );
  }
  return changes;
}

/** The user's permissions on its vhost become `wanted`; those on any other vhost go. */
async function convergePermissions(
  ctl: Rabbitmqctl,
  user: string,
  wanted: Permission,
): Promise<string[]> {
  const changes: string[] = [];
  const current = await ctl.json<Permission[]>(['list_user_permissions', user]);
  for (const held of current.filter((p) => p.vhost !== wanted.vhost)) {
    await ctl.run(['clear_permissions', '-p', held.vhost, user]);
    changes.push(`removed the permissions of ${user} on ${held.vhost}`);
  }
  if (await setPermissions(ctl, user, wanted, current))
    changes.push(`set permissions of ${user} on ${wanted.vhost}`);
  return changes;
}

/** The user's topic permissions become exactly `wanted`: others (any vhost, exchange) go. */
async function convergeTopicPermissions(
  ctl: Rabbitmqctl,
  user: string,
  wanted: readonly TopicPermission[],
): Promise<string[]> {
  const changes: string[] = [];
  const current = await ctl.json<TopicPermission[]>(['list_user_topic_permissions', user]);
  for (const held of current) {
    if (!wanted.some((w) => w.vhost === held.vhost && w.exchange === held.exchange)) {
      await ctl.run(['clear_topic_permissions', '-p', held.vhost, user, held.exchange]);
      changes.push(`removed the topic permissions of ${user} on ${held.vhost} ${held.exchange}`);
    }
  }
  for (const w of wanted) {
    const held = current.find((p) => p.vhost === w.vhost && p.exchange === w.exchange);
    if (held && held.write === w.write && held.read === w.read) continue;
    await ctl.run(['set_topic_permissions', '-p', w.vhost, user, w.exchange, w.write, w.read]);
    changes.push(`set topic permissions of ${user} on ${w.vhost} ${w.exchange}: write ${w.write}`);
  }
  return changes;
}

/** Sets permissions only when they differ, and says whether it did. */
async function setPermissions(
  ctl: Rabbitmqctl,
  user: string,
  wanted: Permission,
  current?: Permission[],
): Promise<boolean> {
  current ??= await ctl.json<Permission[]>(['list_user_permissions', user]);
  const held = current.find((p) => p.vhost === wanted.vhost);
  if (
    held &&
    held.configure === wanted.configure &&
    held.write === wanted.write &&
    held.read === wanted.read
  ) {
    return false;
  }
  await ctl.run([
    'set_permissions',
    '-p',
    wanted.vhost,
    user,
    wanted.configure,
    wanted.write,
    wanted.read,
  ]);
  return true;
}
