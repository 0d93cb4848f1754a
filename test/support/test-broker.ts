import { randomBytes } from 'node:crypto';
import { amqpSecretName, MxgConfigService, readSecret } from '@mxg/config';
import { declareBrokerTopology } from '../../apps/cli/src/services/broker-topology';
import { provisionBroker } from '../../apps/cli/src/services/provision-broker';
import { Rabbitmqctl } from '../../apps/cli/src/services/rabbitmqctl';

export interface TestVhost {
  readonly vhost: string;
  readonly adminUrl: string;
  /** The AMQP URL of a party gateway's own user on this vhost. */
  userUrl(party: string): string;
  drop(): Promise<void>;
}

/**
 * A private vhost on the real RabbitMQ, provisioned exactly as `mxg services provision` does:
 * the gateways' own users with their limited permissions, and the topology declared by the
 * administrator. Tests never touch the development vhost.
 */
export async function createTestVhost(
  parties: readonly string[] = ['KZ', 'AZ'],
): Promise<TestVhost> {
  const config = MxgConfigService.load();
  const ctl = new Rabbitmqctl(config.env.MXG_RABBITMQCTL);
  const vhost = `mxg-test-${randomBytes(4).toString('hex')}`;
  const user = (party: string) => `mxg-${party.toLowerCase()}`;
  await provisionBroker(
    ctl,
    parties.map((party) => ({
      vhost,
      user: user(party),
      party,
      password: {
        value: readSecret(config.paths.var, amqpSecretName(user(party))),
        created: false,
      },
    })),
  );
  const adminUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
  await declareBrokerTopology(adminUrl, parties);
  return {
    vhost,
    adminUrl,
    userUrl: (party) =>
      `amqp://${user(party)}:${encodeURIComponent(readSecret(config.paths.var, amqpSecretName(user(party))))}@127.0.0.1:5672/${vhost}`,
    drop: async () => {
      await ctl.run(['delete_vhost', vhost]);
    },
  };
}
