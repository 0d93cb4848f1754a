import { MxgConfigService } from '@mxg/config';
import {
  createScratchBroker,
  type ScratchBroker,
} from '../../apps/cli/src/services/scratch-broker';

export type TestBroker = ScratchBroker;

/**
 * A scratch broker for one test file: a vhost per party (`mxg-test-<hex>-kz`, …) on the parties'
 * own RabbitMQ nodes (#15: KZ's on mxg-kz, AZ's on mxg-az, further parties' on AZ's), provisioned
 * exactly as `mxg services provision` does — the parties' own users with their limited
 * permissions, the topology declared by the node's administrator, the links between the vhosts
 * (over mutual TLS between nodes) — but with users and passwords of its own. Tests never touch
 * the development vhosts. The nodes must run: `npm run services` (`npm test` runs it).
 */
export async function createTestBroker(
  parties: readonly string[] = ['KZ', 'AZ'],
): Promise<TestBroker> {
  return createScratchBroker({ prefix: 'mxg-test', parties, config: MxgConfigService.load() });
}
