import { BROKER_EXCHANGE, escapeForPermission, inboxQueue } from '@mxg/config';
import { rabbitmqctl, rabbitmqctlJson } from './rabbitmqctl';

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
 * Creates the vhost and one user per party gateway. Each user may publish to the exchange and
 * consume its own party's inbox, nothing else: it cannot declare, delete or read other queues.
 * The broker's administrator (guest on a development machine) declares the topology.
 */
export async function provisionBroker(
  specs: BrokerUserSpec[],
  adminUser = 'guest',
): Promise<string[]> {
  const changes: string[] = [];
  const vhosts = await rabbitmqctlJson<{ name: string }[]>(['list_vhosts', 'name']);
  for (const vhost of new Set(specs.map((s) => s.vhost))) {
    if (!vhosts.some((v) => v.name === vhost)) {
      await rabbitmqctl(['add_vhost', vhost]);
      changes.push(`created vhost ${vhost}`);
    }
    const admin = { vhost, configure: '.*', write: '.*', read: '.*' };
    if (await setPermissions(adminUser, admin))
      changes.push(`granted ${adminUser} administration of ${vhost}`);
  }

  const users = await rabbitmqctlJson<{ user: string }[]>(['list_users']);
  for (const spec of specs) {
    if (!users.some((u) => u.user === spec.user)) {
      await rabbitmqctl(['add_user', spec.user], spec.password.value);
      changes.push(`created user ${spec.user}`);
    } else if (spec.password.created) {
      await rabbitmqctl(['change_password', spec.user], spec.password.value);
      changes.push(`set the password of user ${spec.user}`);
    }
    const wanted: Permission = {
      vhost: spec.vhost,
      configure: '^$',
      write: escapeForPermission(BROKER_EXCHANGE),
      read: escapeForPermission(inboxQueue(spec.party)),
    };
    if (await setPermissions(spec.user, wanted))
      changes.push(`set permissions of ${spec.user} on ${spec.vhost}`);
  }
  return changes;
}

/** Sets permissions only when they differ, and says whether it did. */
async function setPermissions(user: string, wanted: Permission): Promise<boolean> {
  const current = await rabbitmqctlJson<Permission[]>(['list_user_permissions', user]);
  const held = current.find((p) => p.vhost === wanted.vhost);
  if (
    held &&
    held.configure === wanted.configure &&
    held.write === wanted.write &&
    held.read === wanted.read
  ) {
    return false;
  }
  await rabbitmqctl([
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
