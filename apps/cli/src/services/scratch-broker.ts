import { randomBytes } from 'node:crypto';
import { brokerLinkName, partyVhost } from '@mxg/config';
import { linkParties, localLinkUri, type PartyVhost } from './broker-topology';
import { type BrokerUserSpec, provisionBrokerParties } from './provision-broker';
import { Rabbitmqctl } from './rabbitmqctl';

/** A throw-away set of party vhosts on the real broker, for a test file or a benchmark run. */
export interface ScratchBroker {
  readonly parties: readonly string[];
  /** The party's own vhost. */
  vhost(party: string): string;
  /** The administrator's AMQP URL of the party's vhost. */
  adminUrl(party: string): string;
  /** The party's own AMQP user (as its gateway connects), and its URL. */
  user(party: string): string;
  userUrl(party: string): string;
  /** Where the link `from` → `to` is defined: its shovel's name and vhost. */
  link(from: string, to: string): { vhost: string; name: string };
  /** Stops the link (its messages wait in `from`'s outgoing queue), and starts it again. */
  stopLink(from: string, to: string): Promise<void>;
  startLink(from: string, to: string): Promise<void>;
  /** Deletes the links, the vhosts and the users. */
  drop(): Promise<void>;
}

/**
 * One vhost per party (`<prefix>-<hex>-kz`, …) provisioned exactly as `mxg services provision`
 * does — same functions — but with users and passwords of its own (`<prefix>-<hex>-kz`), so
 * that two checkouts or test files on one machine never reset each other's passwords or
 * permissions.
 */
export async function createScratchBroker(options: {
  prefix: string;
  parties: readonly string[];
  rabbitmqctl?: string;
  /** The administrator's AMQP URL of the broker (its vhost is replaced per party). */
  adminUrl?: string;
}): Promise<ScratchBroker> {
  const ctl = new Rabbitmqctl(options.rabbitmqctl);
  const base = `${options.prefix}-${randomBytes(4).toString('hex')}`;
  const admin = new URL(options.adminUrl ?? 'amqp://guest:guest@127.0.0.1:5672/');
  const adminUrl = (vhost: string) => {
    const url = new URL(admin);
    url.pathname = `/${encodeURIComponent(vhost)}`;
    return url.toString();
  };
  const specs: BrokerUserSpec[] = options.parties.map((party) => ({
    party,
    vhost: partyVhost(base, party),
    user: partyVhost(base, party),
    password: { value: randomBytes(18).toString('base64url'), created: true },
  }));
  const spec = (party: string) => {
    const found = specs.find((s) => s.party === party);
    if (!found) throw new Error(`no party ${party} on this scratch broker`);
    return found;
  };
  const partyVhostOf = (party: string): PartyVhost => ({
    party,
    vhost: spec(party).vhost,
    adminUrl: adminUrl(spec(party).vhost),
    linkUri: localLinkUri(spec(party).vhost),
  });
  const drop = async () => {
    const ignore = () => undefined;
    for (const from of specs) {
      for (const to of specs.filter((s) => s !== from)) {
        await ctl
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
    for (const s of specs) await ctl.run(['delete_vhost', s.vhost]).catch(ignore);
    for (const s of specs) await ctl.run(['delete_user', s.user]).catch(ignore);
  };
  try {
    await provisionBrokerParties(ctl, specs, adminUrl, decodeURIComponent(admin.username));
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    parties: options.parties,
    vhost: (party) => spec(party).vhost,
    adminUrl: (party) => adminUrl(spec(party).vhost),
    user: (party) => spec(party).user,
    userUrl: (party) => {
      const url = new URL(admin);
      url.username = encodeURIComponent(spec(party).user);
      url.password = encodeURIComponent(spec(party).password.value);
      url.pathname = `/${encodeURIComponent(spec(party).vhost)}`;
      return url.toString();
    },
    link: (from, to) => ({ vhost: spec(from).vhost, name: brokerLinkName(from, to) }),
    stopLink: async (from, to) => {
      await ctl.run([
        'clear_parameter',
        '-p',
        spec(from).vhost,
        'shovel',
        brokerLinkName(from, to),
      ]);
    },
    startLink: async (from, to) => {
      await linkParties(ctl, partyVhostOf(from), partyVhostOf(to));
    },
    drop,
  };
}
