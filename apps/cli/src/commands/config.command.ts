import type { Command } from 'commander';
import { MxgConfigService } from '@mxg/config';
import { JSON_OPTION_HELP, type JsonFlag, printResult } from '../cli-output';

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
    .option('--json', JSON_OPTION_HELP)
    .action((opts: { gateway?: string } & JsonFlag) => {
      const config = MxgConfigService.load({ gateway: opts.gateway });
      const { treaty, vocabulary, settlements } = config;
      const at = new Date();
      const agreements = treaty.allAgreements().map((agreement) => ({
        code: agreement.code,
        kind: agreement.kind,
        inForceFor: treaty
          .allParties()
          .filter((p) => treaty.isParticipating(agreement.code, p.code, at))
          .map((p) => p.code),
        messageTypes: agreement.messageTypes.length,
      }));
      const result = {
        config: config.paths.config,
        valid: true,
        agreements,
        authorities: treaty.allAuthorities().length,
        signatories: treaty.allSignatories().length,
        vocabularies: {
          topics: vocabulary.topics.length,
          categories: vocabulary.categories.length,
          refusalGrounds: vocabulary.refusalGrounds.length,
          purposes: vocabulary.purposes.length,
        },
        // RET-3.3/3.4, RET-3.6: the rounding policy and caps claims are checked under.
        settlements: {
          rounding: settlements.rounding,
          caps: Object.keys(settlements.caps).length,
        },
        ...(opts.gateway ? { gateway: { id: opts.gateway, party: config.gateway.party } } : {}),
      };
      printResult(opts, result, () =>
        [
          `configuration in ${result.config} is valid`,
          ...agreements.map(
            (a) =>
              `  ${a.code} (${a.kind}): in force today for ${a.inForceFor.join(', ') || 'nobody'}; ${a.messageTypes} message types`,
          ),
          `  ${result.authorities} competent authorities, ${result.signatories} signatories`,
          `  vocabularies: ${result.vocabularies.topics} topics, ${result.vocabularies.categories} categories, ${result.vocabularies.refusalGrounds} refusal grounds, ${result.vocabularies.purposes} purposes`,
          `  settlements: USD amounts rounded ${settlements.rounding.mode} to ${settlements.rounding.scale} places; caps for ${result.settlements.caps} parties`,
          ...(opts.gateway ? [`  gateway ${opts.gateway} speaks for ${config.gateway.party}`] : []),
          '',
        ].join('\n'),
      );
    });
}
