import { Command } from 'commander';
import { buildInfo, versionLine } from './build-info';
import { registerAuditCommands } from './commands/audit.command';
import { registerAuthCommands } from './commands/auth.command';
import { registerClaimCommands } from './commands/claim.command';
import { registerConfigCommands } from './commands/config.command';
import { registerDbCommands } from './commands/db.command';
import { registerEnvelopeCommands } from './commands/envelope.command';
import { registerMessageCommands } from './commands/message.command';
import { registerPkiCommands } from './commands/pki.command';
import { registerServicesCommands } from './commands/services.command';
import { registerVerifyCommand } from './commands/verify.command';

/**
 * The `mxg` command tree. Each capability registers its own sub-commands. With `json` (the
 * command line has `--json`), commander's own usage errors are left to `main` to print as JSON.
 */
export function buildProgram(options: { json?: boolean } = {}): Command {
  const program = new Command('mxg')
    .description('MXG gateway tool for operators, security teams and auditors')
    .version(
      versionLine(buildInfo()),
      '-V, --version',
      'print the version, build commit and Node.js version (with --json: as JSON)',
    )
    .showHelpAfterError(!options.json)
    .exitOverride();
  if (options.json) program.configureOutput({ outputError: () => undefined });
  registerConfigCommands(program);
  registerServicesCommands(program);
  registerDbCommands(program);
  registerPkiCommands(program);
  registerAuditCommands(program);
  registerAuthCommands(program);
  registerEnvelopeCommands(program);
  registerMessageCommands(program);
  registerClaimCommands(program);
  registerVerifyCommand(program);
  return program;
}
