import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { MxgConfigService, slotPort } from '@mxg/config';
import { freePort } from '../../../../test/support/gateway-process';
import { createScratchBroker } from './scratch-broker';

describe('#15 scratch brokers on the parties’ nodes', () => {
  it('stops at once, naming the node and `npm run services`, when a node does not answer', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mxg-scratch-'));
    try {
      const configDir = join(work, 'config');
      cpSync(MxgConfigService.load().paths.config, configDir, { recursive: true });
      // KZ's node as configured, on a port where nothing listens — as this checkout's slot
      // reads it (#17: the file's port + 100 a slot).
      const file = join(configDir, 'gateways', 'kz.yaml');
      const gateway = parse(readFileSync(file, 'utf8')) as { amqp: Record<string, unknown> };
      const silent = await freePort();
      gateway.amqp.port = silent - slotPort(0, MxgConfigService.load().checkoutSlot);
      writeFileSync(file, stringify(gateway));
      const config = MxgConfigService.load({ env: { ...process.env, MXG_CONFIG_DIR: configDir } });
      await expect(
        createScratchBroker({ prefix: 'mxg-test', parties: ['KZ', 'AZ'], config }),
      ).rejects.toThrow(
        new RegExp(
          `broker node ${config.forGateway('kz').gateway.amqp.node} \\(KZ's\\) does not answer on port ${String(silent)}: run \`npm run services\``,
        ),
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
