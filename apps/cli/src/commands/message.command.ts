import type { Command } from 'commander';
import { MxgConfigService } from '@mxg/config';
import { SystemClock } from '@mxg/core';
import { checkMessage } from '@mxg/messages';
import { EXIT } from '../cli-errors';
import { findingLines } from './message-findings';
import { readJsonFile } from './json-file';

/** `mxg message check`: a message's body checked offline, exactly as the gateways check it. */
export function registerMessageCommands(program: Command): void {
  const message = program.command('message').description('message bodies (@mxg/messages)');
  message
    .command('check <message>')
    .description(
      'check a message file (- for standard input) — as POST /v1/messages takes it ({agreement, type, to, signatory, body, inReplyTo?}) or a whole {header, body} — against its type’s body schema, as the gateways do (exit 0 valid, warnings printed; 1 invalid; 2 usage)',
    )
    .option('--json', 'print {file, valid, form, type, problems, warnings} as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      process.exitCode = check(file, opts);
    });
}

function check(file: string, opts: { json?: boolean }): number {
  const json = readJsonFile(file);
  const config = MxgConfigService.load();
  const result = checkMessage(json, config.vocabulary, new SystemClock().now());
  const valid = result.problems.length === 0;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ file, valid, ...result }, null, 2)}\n`);
  } else {
    const what = result.type ?? 'message';
    const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
    const verdict = valid
      ? `${file}: valid ${what}${result.warnings.length > 0 ? ` (${count(result.warnings.length, 'warning')})` : ''}`
      : `${file}: invalid ${what}: ${count(result.problems.length, 'problem')}`;
    process.stdout.write(
      [
        verdict,
        ...findingLines(result.problems),
        ...findingLines(result.warnings, 'warning '),
        '',
      ].join('\n'),
    );
  }
  return valid ? EXIT.ok : EXIT.invalid;
}
