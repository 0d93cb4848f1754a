import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Command, Option } from 'commander';
import { MxgConfigService } from '@mxg/config';
import { SystemClock } from '@mxg/core';
import { localDate } from '@mxg/lifecycle';
import { checkMessageBody, type ReimbursementClaim } from '@mxg/messages';
import {
  calculationContext,
  checkClaim,
  renderCalculationHtml,
  renderCalculationPdf,
} from '@mxg/settlements';
import { EXIT } from '../cli-errors';
import { type JsonFlag, printResult } from '../cli-output';
import { type ClaimHeader, readClaimFile, readRateFiles } from './claim-input';
import { findingLines } from './message-findings';
import { reportStream, STDIO } from './std-io';
import { usageError } from './usage-error';

const TYPE = 'reimbursement-claim';

interface CheckOptions {
  rates: string[];
  from?: string;
  to?: string;
  sentOn?: string;
  json?: boolean;
}

interface RenderOptions extends JsonFlag {
  out: string;
  format?: 'pdf' | 'html';
}

/**
 * `mxg claim check` and `mxg claim render`: a RET reimbursement claim checked offline exactly as
 * the gateways check it (body schema, then `checkClaim`), and its calculation (RET-3.6) as the
 * printable document `GET /claims/{id}/calculation` serves.
 */
export function registerClaimCommands(program: Command): void {
  const claim = program.command('claim').description('RET reimbursement claims (@mxg/settlements)');
  claim
    .command('check <claim>')
    .description(
      'check a reimbursement-claim (its body, as examples/ret/claim.json, or a message carrying one) as the gateways do: the body schema, then documents, caps, rates, every line’s USD amount and the total (RET-3.1 to RET-3.7). Exit 0 valid (warnings printed), 1 invalid with every problem, 2 usage',
    )
    .option(
      '--rates <csv...>',
      'official rate tables to check the lines against, one national bank per file (RET-3.7); without, rates are not checked against a table (warning)',
      [],
    )
    .option('--from <party>', 'the sending party (default: the claim’s stayState)')
    .option('--to <party>', 'the receiving party (default: the claim’s residenceState)')
    .option(
      '--sent-on <date>',
      'the day the claim is sent, YYYY-MM-DD (default: today at the sender’s RET authority), for the 15-day rule (RET-3.2)',
    )
    .option(
      '--json',
      'print {file, valid, claimNumber, from, to, sentOn, rates, problems, warnings}',
    )
    .action((file: string, opts: CheckOptions) => {
      process.exitCode = check(file, opts);
    });
  claim
    .command('render <claim>')
    .description(
      'write the claim’s calculation (RET-3.6) as a printable document in Russian: PDF or HTML by the extension of --out',
    )
    .requiredOption('--out <file>', 'file.pdf or file.html; - writes to standard output')
    .addOption(
      new Option('--format <format>', 'pdf or html (default: from --out; pdf for -)').choices([
        'pdf',
        'html',
      ]),
    )
    .option(
      '--json',
      'print {file, out, format, claimNumber, lines, total} (to standard error with --out -); errors as {code, message}',
    )
    .action(async (file: string, opts: RenderOptions) => {
      process.exitCode = await render(file, opts);
    });
}

function check(file: string, opts: CheckOptions): number {
  const { body, header } = readClaimFile(file);
  if (opts.sentOn !== undefined && !isDate(opts.sentOn)) {
    usageError(`--sent-on ${opts.sentOn} is not a date YYYY-MM-DD`);
  }
  for (const [name, party] of [
    ['--from', opts.from],
    ['--to', opts.to],
  ] as const) {
    if (party !== undefined && !/^[A-Z]{2}$/u.test(party)) {
      usageError(`${name} ${party} is not a party code such as KZ`);
    }
  }
  const rates = readRateFiles(opts.rates);
  const config = MxgConfigService.load();
  const now = new SystemClock().now();

  // The gateway's order: the body schema first; a claim that fails it is not checked further.
  const schema = checkMessageBody(TYPE, body, config.vocabulary, now);
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  // As the receiving gateway reads a whole message: its header's parties and creation day.
  const from =
    opts.from ??
    header?.fromParty ??
    (typeof fields.stayState === 'string' ? fields.stayState : undefined);
  const to =
    opts.to ??
    header?.toParty ??
    (typeof fields.residenceState === 'string' ? fields.residenceState : undefined);
  const sentOn = opts.sentOn ?? senderDate(config, header, from, now);
  const claim =
    schema.problems.length > 0 || from === undefined || to === undefined
      ? undefined
      : checkClaim(body, {
          treaty: config.treaty,
          settlements: config.settlements,
          rates: rates.table,
          from: { party: from },
          to: { party: to },
          sentOn,
        });
  const problems = [...schema.problems, ...(claim?.problems ?? [])];
  const warnings = [...schema.warnings, ...(claim?.warnings ?? [])];
  const valid = problems.length === 0;
  const claimNumber = typeof fields.claimNumber === 'string' ? fields.claimNumber : undefined;

  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify(
        { file, valid, claimNumber, from, to, sentOn, rates: rates.files, problems, warnings },
        null,
        2,
      )}\n`,
    );
  } else {
    const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
    const what = `reimbursement-claim${claimNumber === undefined ? '' : ` ${claimNumber}`}`;
    const verdict = valid
      ? `${file}: valid ${what} (${from} → ${to}, sent on ${sentOn})${warnings.length > 0 ? `, ${count(warnings.length, 'warning')}` : ''}`
      : `${file}: invalid ${what}: ${count(problems.length, 'problem')}`;
    process.stdout.write(
      [verdict, ...findingLines(problems), ...findingLines(warnings, 'warning '), ''].join('\n'),
    );
  }
  return valid ? EXIT.ok : EXIT.invalid;
}

async function render(file: string, opts: RenderOptions): Promise<number> {
  const format = opts.format ?? formatOf(opts.out);
  const { body } = readClaimFile(file);
  const config = MxgConfigService.load();
  const schema = checkMessageBody(TYPE, body, config.vocabulary, new SystemClock().now());
  if (schema.problems.length > 0) {
    if (opts.json) {
      printResult(opts, { file, valid: false, problems: schema.problems }, () => '');
      return EXIT.invalid;
    }
    process.stderr.write(
      [
        `mxg: ${file} is not a reimbursement-claim body to render (\`mxg claim check\` says more):`,
        ...findingLines(schema.problems),
        '',
      ].join('\n'),
    );
    return EXIT.invalid;
  }
  const claim = body as ReimbursementClaim;
  const context = calculationContext(claim, config.treaty, config.settlements);
  const document =
    format === 'pdf'
      ? await renderCalculationPdf(claim, context)
      : Buffer.from(renderCalculationHtml(claim, context), 'utf8');
  if (opts.out !== STDIO) {
    try {
      writeFileSync(opts.out, document);
    } catch (error) {
      usageError(
        `cannot write ${opts.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  } else {
    process.stdout.write(document);
  }
  // Said on standard output for a file; with the document on standard output, only with --json
  // (on standard error), as before.
  if (opts.out !== STDIO || opts.json) {
    printResult(
      opts,
      {
        file,
        out: opts.out,
        format,
        claimNumber: claim.claimNumber,
        lines: claim.lines.length,
        total: claim.total,
      },
      () =>
        `${opts.out}: calculation of ${claim.claimNumber} (${format.toUpperCase()}, ${claim.lines.length} lines, Итого ${claim.total.amount} ${claim.total.currency})\n`,
      reportStream(opts.out),
    );
  }
  return EXIT.ok;
}

function formatOf(out: string): 'pdf' | 'html' {
  if (out === '-') return 'pdf';
  const ext = extname(out).toLowerCase();
  if (ext === '.pdf') return 'pdf';
  if (ext === '.html' || ext === '.htm') return 'html';
  usageError(`--out ${out}: name a .pdf or .html file, or give --format`);
}

/**
 * The day the claim is sent in the sending authority's calendar, as the gateways count it: a
 * whole message's `createdAt` at its `from.authority`; otherwise today at the sender's RET
 * competent authority (`<party>-RET`); UTC where neither is configured.
 */
function senderDate(
  config: MxgConfigService,
  header: ClaimHeader | undefined,
  party: string | undefined,
  now: Date,
): string {
  const created = header?.createdAt === undefined ? undefined : new Date(header.createdAt);
  const at = created !== undefined && !Number.isNaN(created.getTime()) ? created : now;
  const code = header?.fromAuthority ?? `${party}-RET`;
  const authority = config.treaty.allAuthorities().find((a) => a.code === code);
  return localDate(at, authority?.timeZone ?? 'UTC');
}

function isDate(text: string): boolean {
  const at = new Date(`${text}T00:00:00Z`);
  return (
    /^\d{4}-\d{2}-\d{2}$/u.test(text) &&
    !Number.isNaN(at.getTime()) &&
    at.toISOString().startsWith(text)
  );
}
