import type { Command } from 'commander';
import { MxgConfigService } from '@mxg/config';

/** `mxg config check`: validate `config/` and show what it configures. */
export function registerConfigCommands(program: Command): void {
  program
    .command('config')
    .description('treaty configuration')
    .command('check')
    .description(
      'validate config/ (parties, authorities, agreements, signatories, vocabularies, settlements, gateways)',
    )
    .option('--gateway <id>', 'also validate config/gateways/<id>.yaml')
    .action((opts: { gateway?: string }) => {
      const config = MxgConfigService.load({ gateway: opts.gateway });
      const { treaty, vocabulary, settlements } = config;
      const at = new Date();
      process.stdout.write(`configuration in ${config.paths.config} is valid\n`);
      for (const agreement of treaty.allAgreements()) {
        const members = treaty
          .allParties()
          .filter((p) => treaty.isParticipating(agreement.code, p.code, at))
          .map((p) => p.code);
        process.stdout.write(
          `  ${agreement.code} (${agreement.kind}): in force today for ${members.join(', ') || 'nobody'}; ` +
            `${agreement.messageTypes.length} message types\n`,
        );
      }
      process.stdout.write(
        `  ${treaty.allAuthorities().length} competent authorities, ${treaty.allSignatories().length} signatories\n`,
      );
      process.stdout.write(
        `  vocabularies: ${vocabulary.topics.length} topics, ${vocabulary.categories.length} categories, ${vocabulary.refusalGrounds.length} refusal grounds, ${vocabulary.purposes.length} purposes\n`,
      );
      // RET-3.3/3.4, RET-3.6: the rounding policy and caps claims are checked under.
      process.stdout.write(
        `  settlements: USD amounts rounded ${settlements.rounding.mode} to ${settlements.rounding.scale} places; caps for ${Object.keys(settlements.caps).length} parties\n`,
      );
      if (opts.gateway)
        process.stdout.write(`  gateway ${opts.gateway} speaks for ${config.gateway.party}\n`);
    });
}
