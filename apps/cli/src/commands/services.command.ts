import type { Command } from 'commander';
import { MxgConfigService } from '@mxg/config';
import { provisionGateways } from '../services/provision-gateways';

/** `mxg services provision`: databases, roles and AMQP users for every configured gateway. */
export function registerServicesCommands(program: Command): void {
  program
    .command('services')
    .description('the PostgreSQL and RabbitMQ resources gateways need')
    .command('provision')
    .description(
      'create, if missing, each gateway database, its roles, the AMQP vhost and user of its party, and the links',
    )
    .option('--gateway <ids...>', 'only these gateways (default: every file in config/gateways)')
    .action(async (opts: { gateway?: string[] }) => {
      const changes = await provisionGateways(MxgConfigService.load(), opts.gateway);
      if (changes.length === 0) {
        process.stdout.write('services: everything was already provisioned; nothing changed\n');
      }
      for (const change of changes) process.stdout.write(`services: ${change}\n`);
    });
}
