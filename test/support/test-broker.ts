import { MxgConfigService } from '@mxg/config';
import {
  createScratchBroker,
  type ScratchBroker,
} from '../../apps/cli/src/services/scratch-broker';

export type TestBroker = ScratchBroker;

/**
 * A scratch broker for one test file: a vhost per party (`mxg-test-<hex>-kz`, …) on the real
 * RabbitMQ, provisioned exactly as `mxg services provision` does — the parties' own users with
 * their limited permissions, the topology declared by the administrator, the links between the
 * vhosts — but with users and passwords of its own. Tests never touch the development vhosts.
 */
export async function createTestBroker(
  parties: readonly string[] = ['KZ', 'AZ'],
): Promise<TestBroker> {
  const config = MxgConfigService.load();
  return createScratchBroker({
    prefix: 'mxg-test',
    parties,
    rabbitmqctl: config.env.MXG_RABBITMQCTL,
    adminUrl: config.env.MXG_AMQP_ADMIN_URL,
  });
}
