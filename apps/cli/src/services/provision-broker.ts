import {
  BROKER_DEAD_LETTER_EXCHANGE,
  BROKER_EXCHANGE,
  escapeForPermission,
  inboxQueue,
} from '@mxg/config';
import type { Rabbitmqctl } from './rabbitmqctl';

export interface BrokerUserSpec {
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

/**
 * Creates the vhost and one user per party gateway. Each user may publish to the exchanges and
 * consume its own party's inbox, nothing else: it cannot declare, delete or read other queues.
 * The broker's administrator (guest on a development machine) declares the topology.
 */
export async function provisionBroker(
  ctl: Rabbitmqctl,
  specs: BrokerUserSpec[],
  adminUser = 'guest',
): Promise<string[]> {
  const changes: string[] = [];
  const vhosts = await ctl.json<{ name: string }[]>(['list_vhosts', 'name']);
  for (const vhost of new Set(specs.map((s) => s.vhost))) {
    if (!vhosts.some((v) => v.name === vhost)) {
      await ctl.run(['add_vhost', vhost]);
      changes.push(`created vhost ${vhost}`);
    }
    const admin = { vhost, configure: '.*', write: '.*', read: '.*' };
    if (await setPermissions(ctl, adminUser, admin))
      changes.push(`granted ${adminUser} administration of ${vhost}`);
  }

  const users = await ctl.json<{ user: string }[]>(['list_users']);
  for (const spec of specs) {
    if (!users.some((u) => u.user === spec.user)) {
      await ctl.run(['add_user', spec.user], spec.password.value);
      changes.push(`created user ${spec.user}`);
    } else if (
      spec.password.created ||
      !(await authenticates(ctl, spec.user, spec.password.value))
    ) {
      // A new secret, or one that no longer matches (the user was provisioned from another
      // checkout): the broker takes the one this checkout holds.
      await ctl.run(['change_password', spec.user], spec.password.value);
      changes.push(`set the password of user ${spec.user}`);
    }
    const wanted: Permission = {
      vhost: spec.vhost,
      configure: '^$',
      // Publish envelopes and receipts; put a refused envelope on the dead-letter exchange
      // with its error code.
      write: `${escapeForPermission(BROKER_EXCHANGE)}|${escapeForPermission(BROKER_DEAD_LETTER_EXCHANGE)}`,
      read: escapeForPermission(inboxQueue(spec.party)),
    };
    if (await setPermissions(ctl, spec.user, wanted))
      changes.push(`set permissions of ${spec.user} on ${spec.vhost}`);
  }
  return changes;
}

/** Whether the broker accepts this password (given on standard input, not the command line). */
async function authenticates(ctl: Rabbitmqctl, user: string, password: string): Promise<boolean> {
  try {
    await ctl.run(['authenticate_user', user], password);
    return true;
  } catch {
    return false;
  }
}

/** Sets permissions only when they differ, and says whether it did. */
async function setPermissions(
  ctl: Rabbitmqctl,
  user: string,
  wanted: Permission,
): Promise<boolean> {
  const current = await ctl.json<Permission[]>(['list_user_permissions', user]);
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
