import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays } from '@mxg/config';
import type { ReimbursementClaim } from '@mxg/messages';
import { CALCULATION_COLUMNS, sumUsd, TOTAL_LABEL } from '@mxg/settlements';

const ROOT = join(__dirname, '..');
const MXG = join(ROOT, 'apps', 'cli', 'bin', 'mxg.js');
const EXAMPLE = join(ROOT, 'examples', 'ret', 'claim.json');
const RATES = join(ROOT, 'examples', 'ret', 'rates-nbk.csv');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `mxg` of this checkout (not `npx mxg`, which may resolve to another one). */
function mxg(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MXG, ...args],
      { cwd: ROOT, env: { ...process.env, TZ: 'UTC' }, encoding: 'buffer' },
      (error, stdout, stderr) => {
        resolve({
          code: error ? Number(error.code) : 0,
          stdout: stdout.toString('utf8'),
          stderr: stderr.toString('utf8'),
        });
      },
    );
  });
}

interface Finding {
  path: string;
  code: string;
  message: string;
  treaty: string;
}

/** What `mxg claim check --json` prints. */
interface CheckReport {
  file: string;
  valid: boolean;
  claimNumber?: string;
  from?: string;
  to?: string;
  sentOn: string;
  rates: { file: string; sources: string[]; rows: number }[];
  problems: Finding[];
  warnings: Finding[];
}

const reportOf = (run: Run) => JSON.parse(run.stdout) as CheckReport;
const codes = (findings: Finding[]) => findings.map((f) => f.code);

const example = (): ReimbursementClaim =>
  JSON.parse(readFileSync(EXAMPLE, 'utf8')) as ReimbursementClaim;
/** RET-3.2: the last day a claim may be sent, and the first day it is late. */
const LAST_DAY = addDays(example().returnAct.handoverDate, 15);
const FIRST_LATE_DAY = addDays(LAST_DAY, 1);

/** `pdftotext -raw` (content order, so a wrapped cell reads as one run), whitespace collapsed. */
function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'])
    .toString('utf8')
    .replace(/\s+/gu, ' ');
}

function htmlText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gu, ' ')
    .replace(/<[^>]+>/gu, ' ')
    .replace(
      /&(lt|gt|quot|#39|amp);/gu,
      (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '',
    )
    .replace(/\s+/gu, ' ');
}

describe('mxg claim (RET claims offline)', () => {
  const work = mkdtempSync(join(tmpdir(), 'mxg-claim-cli-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const path = join(work, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  describe('mxg claim check', () => {
    it('the example claim with its rate table is valid: exit 0 (RET-3.1 to RET-3.7)', async () => {
      const run = await mxg(['claim', 'check', EXAMPLE, '--rates', RATES, '--sent-on', LAST_DAY]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        `${EXAMPLE}: valid reimbursement-claim KZ-RET-2026-0012 (KZ → AZ, sent on ${LAST_DAY})\n`,
      );
    });

    it('--json: {file, valid, claimNumber, from, to, sentOn, rates, problems, warnings}', async () => {
      const run = await mxg([
        'claim',
        'check',
        EXAMPLE,
        '--rates',
        RATES,
        '--sent-on',
        LAST_DAY,
        '--json',
      ]);
      expect(run.code).toBe(0);
      expect(reportOf(run)).toEqual({
        file: EXAMPLE,
        valid: true,
        claimNumber: 'KZ-RET-2026-0012',
        from: 'KZ',
        to: 'AZ',
        sentOn: LAST_DAY,
        rates: [{ file: RATES, sources: ['NBK'], rows: 6 }],
        problems: [],
        warnings: [],
      });
    });

    it('a line one cent off: exit 1, LINE_USD_MISMATCH on that line (RET-3.6)', async () => {
      const claim = example();
      const line = claim.lines[0];
      claim.lines[0] = { ...line, usd: sumUsd([line.usd, '0.01']) };
      // The total still adds up, so the line is the only problem.
      claim.total = { currency: 'USD', amount: sumUsd(claim.lines.map((l) => l.usd)) };
      const run = await mxg([
        'claim',
        'check',
        file('cent.json', claim),
        '--rates',
        RATES,
        '--json',
      ]);
      expect(run.code).toBe(1);
      const report = reportOf(run);
      expect(report.valid).toBe(false);
      expect(codes(report.problems)).toEqual(['LINE_USD_MISMATCH']);
      expect(report.problems[0].path).toMatch(/lines\[0\]/u);
      const text = await mxg(['claim', 'check', file('cent.json', claim), '--rates', RATES]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(
        /invalid reimbursement-claim KZ-RET-2026-0012: 1 problem\n .*LINE_USD_MISMATCH/u,
      );
    });

    it('lists every problem, not the first: a wrong total and a missing document', async () => {
      const claim = example();
      claim.total = { currency: 'USD', amount: sumUsd([claim.total.amount, '-1.00']) };
      claim.documents = claim.documents.filter((d) => d.kind !== 'payment-proof');
      const run = await mxg([
        'claim',
        'check',
        file('two.json', claim),
        '--rates',
        RATES,
        '--json',
      ]);
      expect(run.code).toBe(1);
      expect(codes(reportOf(run).problems)).toEqual(
        expect.arrayContaining(['TOTAL_MISMATCH', 'DOCUMENT_MISSING']),
      );
    });

    it('checks the body schema first, as the gateway does: a number for money is refused', async () => {
      const claim = example() as unknown as { lines: [{ usd: unknown }] };
      claim.lines[0].usd = Number(claim.lines[0].usd);
      const run = await mxg(['claim', 'check', file('number.json', claim), '--json']);
      expect(run.code).toBe(1);
      expect(reportOf(run).problems).toEqual([
        expect.objectContaining({ path: 'body.lines[0].usd', code: 'VALUE_INVALID' }),
      ]);
    });

    it('the parties are the claim’s states unless --from/--to say otherwise', async () => {
      const run = await mxg([
        'claim',
        'check',
        EXAMPLE,
        '--rates',
        RATES,
        '--from',
        'AZ',
        '--to',
        'KZ',
        '--json',
      ]);
      expect(run.code).toBe(1);
      const report = reportOf(run);
      expect({ from: report.from, to: report.to }).toEqual({ from: 'AZ', to: 'KZ' });
      expect(codes(report.problems)).toContain('CLAIM_WRONG_DIRECTION');
    });

    it('--sent-on more than 15 days after the handover: valid, flagged late (RET-3.2)', async () => {
      const run = await mxg([
        'claim',
        'check',
        EXAMPLE,
        '--rates',
        RATES,
        '--sent-on',
        FIRST_LATE_DAY,
        '--json',
      ]);
      expect(run.code).toBe(0);
      const report = reportOf(run);
      expect(codes(report.warnings)).toEqual(['CLAIM_LATE']);
      const onTime = await mxg([
        'claim',
        'check',
        EXAMPLE,
        '--rates',
        RATES,
        '--sent-on',
        LAST_DAY,
        '--json',
      ]);
      expect(reportOf(onTime).warnings).toEqual([]);
    });

    it('takes a claim carried in a message (the shape POST /messages takes)', async () => {
      const message = {
        agreement: 'RET',
        type: 'reimbursement-claim',
        to: { authority: 'AZ-RET' },
        signatory: 'kz-ret-finance-head',
        body: example(),
      };
      const run = await mxg([
        'claim',
        'check',
        file('message.json', message),
        '--rates',
        RATES,
        '--sent-on',
        LAST_DAY,
      ]);
      expect(run.code).toBe(0);
    });

    it('a whole {header, body} message: the parties and the day are its header’s (sender’s calendar)', async () => {
      const whole = (createdAt: string) => ({
        header: {
          type: 'reimbursement-claim',
          from: { party: 'KZ', authority: 'KZ-RET' },
          to: { party: 'AZ', authority: 'AZ-RET' },
          createdAt,
        },
        body: example(),
      });
      // 20:00 UTC on the last day is already the next day in Astana (UTC+05): late.
      const late = await mxg([
        'claim',
        'check',
        file('whole.json', whole(`${LAST_DAY}T20:00:00Z`)),
        '--rates',
        RATES,
        '--json',
      ]);
      expect(late.code).toBe(0);
      expect(reportOf(late)).toMatchObject({ from: 'KZ', to: 'AZ', sentOn: FIRST_LATE_DAY });
      expect(codes(reportOf(late).warnings)).toEqual(['CLAIM_LATE']);
      const onTime = await mxg([
        'claim',
        'check',
        file('whole.json', whole(`${LAST_DAY}T18:00:00Z`)),
        '--rates',
        RATES,
        '--json',
      ]);
      expect(reportOf(onTime)).toMatchObject({ sentOn: LAST_DAY, warnings: [] });
    });

    it.each([
      ['no such file', ['claim', 'check', '/nonexistent/claim.json'], 'cannot read'],
      ['not JSON', ['claim', 'check', 'NOTJSON'], 'is not JSON'],
      ['another message type', ['claim', 'check', 'OTHERTYPE'], 'not a reimbursement-claim'],
      ['a broken rate table', ['claim', 'check', EXAMPLE, '--rates', 'BADCSV'], 'RATES_INVALID'],
      ['a bad --sent-on', ['claim', 'check', EXAMPLE, '--sent-on', '2026-13-01'], '--sent-on'],
      ['no claim file', ['claim', 'check'], 'missing required argument'],
      ['render without --out', ['claim', 'render', EXAMPLE], "required option '--out <file>'"],
      [
        'render to neither .pdf nor .html',
        ['claim', 'render', EXAMPLE, '--out', 'x.txt'],
        '.pdf or .html',
      ],
    ])('exit 2 for a usage mistake: %s', async (_what, args, message) => {
      const files: Record<string, string> = {
        NOTJSON: file('not.json', '{"claimNumber":'),
        OTHERTYPE: file('other.json', {
          agreement: 'RET',
          type: 'claim-query',
          to: { authority: 'KZ-RET' },
          signatory: 'az-ret-finance-head',
          body: { question: 'Почему?' },
        }),
        BADCSV: file('bad.csv', 'source,date,currency,units,rate\nNBK,2026-02-30,USD,1,478.50\n'),
      };
      const run = await mxg(args.map((a) => files[a] ?? a));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });

  describe('mxg claim render (RET-3.6)', () => {
    const claim = example();
    const headings = CALCULATION_COLUMNS.map((c) => c.heading);
    const people = [
      claim.returnAct.minor.surname,
      ...claim.returnAct.minor.givenNames.split(' '),
      ...claim.returnAct.representatives.flatMap((r) => r.name.split(' ')),
    ];

    const expectCalculation = (text: string) => {
      expect(text).toContain('Расчёт суммы возмещаемых расходов');
      for (const heading of headings) expect(text).toContain(heading);
      for (const line of claim.lines) {
        expect(text).toContain(line.name);
        expect(text).toContain(`${line.amount} ${line.currency}`);
        expect(text).toContain(line.usd);
      }
      expect(text).toContain(`${TOTAL_LABEL} ${claim.total.amount}`);
      expect(text).toContain(`Требование № ${claim.claimNumber}`);
      expect(text).toContain('Республика Казахстан (KZ)');
      expect(text).toContain('Азербайджанская Республика (AZ)');
      expect(text).toContain('(half-up)'); // the configured rounding policy, named
      for (const word of people) expect(text).not.toContain(word);
      expect(text).not.toContain(claim.returnAct.minor.dateOfBirth);
    };

    it('writes a PDF whose text (pdftotext) has every line, «Итого» with the total, the Cyrillic headings', async () => {
      const out = join(work, 'calculation.pdf');
      const run = await mxg(['claim', 'render', EXAMPLE, '--out', out]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        `${out}: calculation of KZ-RET-2026-0012 (PDF, ${claim.lines.length} lines, Итого ${claim.total.amount} USD)`,
      );
      expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expectCalculation(pdfText(out));
    });

    it('writes the same as HTML', async () => {
      const out = join(work, 'calculation.html');
      const run = await mxg(['claim', 'render', EXAMPLE, '--out', out]);
      expect(run.code).toBe(0);
      const html = readFileSync(out, 'utf8');
      expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="ru">/u);
      expectCalculation(htmlText(html));
    });

    it('--out - writes to standard output (PDF unless --format html)', async () => {
      const html = await mxg(['claim', 'render', EXAMPLE, '--out', '-', '--format', 'html']);
      expect(html.code).toBe(0);
      expectCalculation(htmlText(html.stdout));
      const pdf = await mxg(['claim', 'render', EXAMPLE, '--out', '-']);
      expect(pdf.code).toBe(0);
      expect(pdf.stdout.startsWith('%PDF-')).toBe(true);
    });

    it('refuses to render a body that fails the schema: exit 1, its problems on stderr', async () => {
      const bad = example() as unknown as Record<string, unknown>;
      delete bad.total;
      const run = await mxg([
        'claim',
        'render',
        file('no-total.json', bad),
        '--out',
        join(work, 'x.pdf'),
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('body.total FIELD_REQUIRED');
    });
  });
});
