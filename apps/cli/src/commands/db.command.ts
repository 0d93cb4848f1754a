import type { Command } from 'commander';
import { listGateways, MxgConfigService } from '@mxg/config';
import { runMigrations } from '@mxg/database';

/** `mxg db migrate`: apply pending migrations, as each gateway's schema owner. */
export function registerDbCommands(program: Command): void {
  program
    .command('db')
    .description('gateway databases')
    .command('migrate')
    .description('apply pending migrations (the gateway also does this when it starts)')
    .option('--gateway <ids...>', 'only these gateways (default: every file in config/gateways)')
    .action(async (opts: { gateway?: string[] }) => {
      const base = MxgConfigService.load();
      for (const id of opts.gateway ?? listGateways(base.paths.config)) {
        const applied = await runMigrations(base.forGateway(id).migrationDatabaseUrl);
        process.stdout.write(
          `db ${id}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}\n`,
        );
      }
    });
}
