import { createHash, randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import { JSON_OPTION_HELP, type JsonFlag, printResult } from '../cli-output';

const ROLES = ['publisher', 'security-officer', 'auditor', 'administrator'] as const;

/**
 * `mxg auth token`: a fresh bearer token for an API client. The token is printed once, for the
 * client; only its SHA-256 goes into the gateway file, so config never holds a credential.
 */
export function registerAuthCommands(program: Command): void {
  program
    .command('auth')
    .description('API clients of a gateway')
    .command('token')
    .description(
      'make a bearer token and print the line to add under `clients:` in config/gateways/<id>.yaml',
    )
    .requiredOption('--client <id>', 'client id, e.g. auditor-1')
    .addOption(new Option('--role <roles...>', 'roles').choices(ROLES).default(['auditor']))
    .option('--authority <code>', 'the competent authority the client acts for, e.g. KZ-MVD')
    .option(
      '--signatory <id>',
      "a signatory of the client's authority the gateway may sign for on its behalf (MIG-9.3; repeatable)",
      (id: string, ids: string[]) => [...ids, id],
      [] as string[],
    )
    .option('--json', JSON_OPTION_HELP)
    .action(
      (
        opts: {
          client: string;
          role: string[];
          authority?: string;
          signatory: string[];
        } & JsonFlag,
      ) => {
        // 256 bits, base64url: no padding or characters that need quoting in a header.
        const token = randomBytes(32).toString('base64url');
        const sha256 = createHash('sha256').update(token).digest('hex');
        const authority = opts.authority === undefined ? '' : `, authority: ${opts.authority}`;
        const signatories =
          opts.signatory.length === 0 ? '' : `, signatories: [${opts.signatory.join(', ')}]`;
        const client = {
          id: opts.client,
          ...(opts.authority === undefined ? {} : { authority: opts.authority }),
          roles: opts.role,
          ...(opts.signatory.length === 0 ? {} : { signatories: opts.signatory }),
          tokenSha256: sha256,
        };
        printResult(
          opts,
          { token, client },
          () =>
            `token (give it to the client; it is not stored anywhere): ${token}\n` +
            `add to config/gateways/<id>.yaml under clients:\n` +
            `  - { id: ${opts.client}${authority}, roles: [${opts.role.join(', ')}]${signatories}, tokenSha256: ${sha256} }\n`,
        );
      },
    );
}
