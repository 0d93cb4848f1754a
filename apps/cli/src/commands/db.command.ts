import type { Command } from 'commander';
import { listGateways, MxgConfigService } from '@mxg/config';
import { runMigrations } from '@mxg/database';
import { JSON_OPTION_HELP, type JsonFlag, printResult } from '../cli-output';

/** `mxg db migrate`: apply pending migrations, as each gateway's schema owner. */
export function registerDbCommands(program: Command): void {
  program
    .command('db')
    .description('gateway databases')
    .command('migrate')
    .description('apply pending migrations (the gateway also does this when it starts)')
    .option('--gateway <ids...>', 'only these gateways (default: every file in config/gateways)')
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { gateway?: string[] } & JsonFlag) => {
      const base = MxgConfigService.load();
      const gateways: { gateway: string; applied: string[] }[] = [];
      for (const id of opts.gateway ?? listGateways(base.paths.config)) {
        const applied = await runMigrations(base.forGateway(id).migrationDatabaseUrl);
        gateways.push({ gateway: id, applied: [...applied] });
        // Said as each is done: a long migration shows where it is.
        if (!opts.json) {
          process.stdout.write(
            `db ${id}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}\n`,
          );
        }
      }
      printResult(opts, { gateways }, () => '');
    });
}
