import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot, loadSettlements, loadTreatyConfig } from '@mxg/config';
import type { ClaimLine, ReimbursementClaim } from '@mxg/messages';
import { convertLine, sumUsd } from '../money/convert-line';
import { RateTable } from '../rates/rate-table';
import { checkClaim, type ClaimCheckContext } from './check-claim';

const root = findRepoRoot();
const treaty = loadTreatyConfig(join(root, 'config'));
const settlements = loadSettlements(join(root, 'config'), treaty);
const rates = RateTable.fromCsv(
  readFileSync(join(root, 'examples', 'ret', 'rates-nbk.csv'), 'utf8'),
);
const exampleClaim = JSON.parse(
  readFileSync(join(root, 'examples', 'ret', 'claim.json'), 'utf8'),
) as ReimbursementClaim;

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
type Claim = Mutable<ReimbursementClaim>;

const claim = (): Claim => structuredClone(exampleClaim);
const context = (over: Partial<ClaimCheckContext> = {}): ClaimCheckContext => ({
  treaty,
  settlements,
  rates,
  from: { party: 'KZ' },
  to: { party: 'AZ' },
  sentOn: '2026-12-03',
  ...over,
});
const sut = (body: Claim, over: Partial<ClaimCheckContext> = {}) => checkClaim(body, context(over));
const codes = (body: Claim, over: Partial<ClaimCheckContext> = {}) =>
  sut(body, over).problems.map((p) => [p.path, p.code]);

/** Changes line `i` and keeps its usd and the total right, so only the change is at fault. */
function withLine(
  body: Claim,
  i: number,
  change: Partial<ClaimLine>,
  policy = settlements.rounding,
): Claim {
  const line = { ...body.lines[i], ...change } as Mutable<ClaimLine>;
  line.usd = convertLine(line, policy);
  body.lines[i] = line;
  body.total.amount = sumUsd(body.lines.map((l) => l.usd));
  return body;
}

function withoutDocument(body: Claim, id: string): Claim {
  body.documents = body.documents.filter((d) => d.id !== id);
  return body;
}

describe(checkClaim.name, () => {
  it('accepts examples/ret/claim.json against examples/ret/rates-nbk.csv: no problem, no warning', () => {
    expect(sut(claim())).toEqual({ problems: [], warnings: [] });
  });

  it('RET-3.7: with no imported table of NBK, warns once that rates were not checked', () => {
    for (const table of [
      RateTable.empty(),
      RateTable.fromCsv('source,date,currency,units,rate\nCBR,2026-11-25,USD,1,79.10\n'),
    ]) {
      expect(sut(claim(), { rates: table })).toEqual({
        problems: [],
        warnings: [
          {
            code: 'RATE_NOT_COVERED',
            path: 'body.lines',
            message:
              'no imported rate table of NBK: the rates were not checked against official ones',
            treaty: 'RET-3.7',
          },
        ],
      });
    }
  });

  describe('RET-3.1: from the state of stay to the state of residence', () => {
    it('CLAIM_WRONG_DIRECTION: the state of residence claiming from the state of stay', () => {
      const problems = sut(claim(), { from: { party: 'AZ' }, to: { party: 'KZ' } }).problems;
      expect(problems.filter((p) => p.code === 'CLAIM_WRONG_DIRECTION')).toEqual([
        expect.objectContaining({ path: 'body.stayState', treaty: 'RET-3.1' }),
        expect.objectContaining({ path: 'body.residenceState', treaty: 'RET-3.1' }),
      ]);
    });

    it('CLAIM_WRONG_DIRECTION: addressed to a third state', () => {
      expect(codes(claim(), { to: { party: 'RU' } })).toEqual([
        ['body.residenceState', 'CLAIM_WRONG_DIRECTION'],
      ]);
    });
  });

  describe('RET-3.6: every line and the total', () => {
    it('LINE_USD_MISMATCH: one cent off in a line (the total matching the lines)', () => {
      const body = claim();
      body.lines[2].usd = '130.67';
      body.total.amount = sumUsd(body.lines.map((l) => l.usd));
      expect(sut(body).problems).toEqual([
        {
          code: 'LINE_USD_MISMATCH',
          path: 'body.lines[2].usd',
          message: 'line 3: expected 130.66 USD (half-up, 2 decimals), claimed 130.67',
          treaty: 'RET-3.6',
        },
      ]);
    });

    it('LINE_USD_MISMATCH and TOTAL_MISMATCH: one cent off in a line, the total left alone', () => {
      const body = claim();
      body.lines[0].usd = '376.17';
      expect(codes(body)).toEqual([
        ['body.lines[0].usd', 'LINE_USD_MISMATCH'],
        ['body.total.amount', 'TOTAL_MISMATCH'],
      ]);
    });

    it('TOTAL_MISMATCH: «Итого» is not the sum of the lines', () => {
      const body = claim();
      body.total.amount = '880.21';
      expect(sut(body).problems).toEqual([
        {
          code: 'TOTAL_MISMATCH',
          path: 'body.total.amount',
          message: 'the lines sum to 880.22, the total claims 880.21',
          treaty: 'RET-3.6',
        },
      ]);
    });

    it('accepts the same amount written with more decimals (880.220)', () => {
      const body = claim();
      body.total.amount = '880.220';
      expect(sut(body).problems).toEqual([]);
    });

    it('TOTAL_CURRENCY: the total is not in US dollars (RET-2)', () => {
      const body = claim();
      body.total.currency = 'KZT';
      expect(codes(body)).toEqual([['body.total.currency', 'TOTAL_CURRENCY']]);
    });

    it('cross rate: an EUR line converts EUR → KZT → USD at the NBK rates; a wrong one is refused', () => {
      const body = claim();
      expect(body.lines[3]).toMatchObject({
        currency: 'EUR',
        rate: { value: '516.05' },
        usd: '118.48',
      });
      body.lines[3].usd = '114.80'; // 110 × 500 ÷ 479.10: the cross rate forgotten
      body.total.amount = sumUsd(body.lines.map((l) => l.usd));
      expect(codes(body)).toEqual([['body.lines[3].usd', 'LINE_USD_MISMATCH']]);
    });

    it('the rounding policy decides a tie: half-up 0.13 is right under half-up, wrong under half-even', () => {
      // 59.8125 KZT ÷ 478.50 = 0.125 USD exactly
      const tie: Mutable<ClaimLine> = {
        no: 6,
        kind: 'internal-travel',
        name: 'Проезд по городу',
        document: 'd3',
        expenseDate: '2026-11-28',
        currency: 'KZT',
        amount: '59.8125',
        usdRate: { source: 'NBK', value: '478.50', units: 1 },
        usd: '0.13',
      };
      const body = claim();
      body.lines.push(tie);
      body.total.amount = sumUsd(body.lines.map((l) => l.usd));
      const halfEven = { ...settlements, rounding: { mode: 'half-even', scale: 2 } as const };
      expect(sut(body).problems).toEqual([]);
      expect(sut(body, { settlements: halfEven }).problems).toEqual([
        expect.objectContaining({
          code: 'LINE_USD_MISMATCH',
          path: 'body.lines[5].usd',
          message: 'line 6: expected 0.12 USD (half-even, 2 decimals), claimed 0.13',
        }),
      ]);
    });
  });

  describe('RET-3.1, RET-3.2: the documents', () => {
    it.each([
      ['every claim: the return act (RET-3.1)', 'd1', 'return-act', 'RET-3.1'],
      ['an accommodation line: proof of payment (d)', 'd7', 'payment-proof', 'RET-3.2'],
      [
        'a ticket that shows no fare: the carrier’s fare certificate',
        'd5',
        'fare-certificate',
        'RET-3.2',
      ],
    ])('DOCUMENT_MISSING: %s', (_rule, id, kind, treatyArticle) => {
      expect(sut(withoutDocument(claim(), id)).problems).toEqual([
        expect.objectContaining({
          code: 'DOCUMENT_MISSING',
          path: 'body.documents',
          message: expect.stringContaining(`a ${kind} document`) as string,
          treaty: treatyArticle,
        }),
      ]);
    });

    it.each([
      ['every claim: (a) stay in institutions', 'd2', 'institution-stay', 0],
      ['every claim: (b) the minor’s travel documents', 'd3', 'minor-travel', 1],
      ['an escort-travel line: (c) the escorts’ travel documents', 'd4', 'escort-travel', 2],
      ['an accommodation line: (d) accommodation documents', 'd6', 'accommodation', 3],
      ['a per-diem line: (e) the per-diem statement', 'd8', 'per-diem-statement', 4],
    ])(
      'DOCUMENT_MISSING: %s (and the line naming it: DOCUMENT_UNKNOWN)',
      (_rule, id, kind, line) => {
        const problems = sut(withoutDocument(claim(), id)).problems;
        expect(problems.map((p) => [p.path, p.code])).toEqual([
          [`body.lines[${line}].document`, 'DOCUMENT_UNKNOWN'],
          ['body.documents', 'DOCUMENT_MISSING'],
        ]);
        expect(problems[1]?.message).toContain(`a ${kind} document`);
      },
    );

    it('needs no accommodation documents for a claim without accommodation', () => {
      const body = withoutDocument(withoutDocument(claim(), 'd6'), 'd7');
      body.lines.splice(3, 1);
      body.total.amount = sumUsd(body.lines.map((l) => l.usd));
      expect(sut(body).problems).toEqual([]);
    });

    it('DOCUMENT_UNKNOWN: a line names no document; a document names no attachment', () => {
      const body = claim();
      body.lines[1].document = 'd99';
      body.documents[0].attachment = 'a99';
      expect(codes(body)).toEqual([
        ['body.documents[0].attachment', 'DOCUMENT_UNKNOWN'],
        ['body.lines[1].document', 'DOCUMENT_UNKNOWN'],
      ]);
    });

    it('DOCUMENT_KIND_MISMATCH: a per-diem line supported by a hotel bill; a photograph as a document', () => {
      const body = claim();
      body.lines[4].document = 'd6';
      body.attachments[1].kind = 'photograph';
      expect(sut(body).problems).toEqual([
        expect.objectContaining({
          code: 'DOCUMENT_KIND_MISMATCH',
          path: 'body.documents[1].attachment',
        }),
        expect.objectContaining({
          code: 'DOCUMENT_KIND_MISMATCH',
          path: 'body.lines[4].document',
          message:
            'line 5 (per-diem) names document d6, a accommodation; it needs one of per-diem-statement',
        }),
      ]);
    });
  });

  describe('RET-3.3, RET-3.4: the state of stay’s norms (config/settlements.yaml)', () => {
    it('CAP_EXCEEDED: accommodation above 30000.00 KZT per person-night, converted from EUR', () => {
      // 117 EUR × 516.05 = 60377.85 KZT for 2 nights > 60000.00
      const body = withLine(claim(), 3, { amount: '117.00' });
      expect(sut(body).problems).toEqual([
        {
          code: 'CAP_EXCEEDED',
          path: 'body.lines[3].amount',
          message:
            'line 4: 60377.85 KZT for 2 person-nights is above the norm of 30000.00 KZT each (60000.00)',
          treaty: 'RET-3.3',
        },
      ]);
      expect(sut(withLine(claim(), 3, { amount: '116.00' })).problems).toEqual([]);
    });

    it('CAP_EXCEEDED: per diems above 9000.00 KZT per person-day; exactly the norm is fine', () => {
      expect(codes(withLine(claim(), 4, { amount: '27000.01' }))).toEqual([
        ['body.lines[4].amount', 'CAP_EXCEEDED'],
      ]);
      expect(sut(withLine(claim(), 4, { amount: '27000.00' })).problems).toEqual([]);
      expect(codes(withLine(claim(), 4, { units: 2 }))).toEqual([
        ['body.lines[4].amount', 'CAP_EXCEEDED'],
      ]);
    });
  });

  describe('RET-3.2: late claims are flagged, not refused', () => {
    it('CLAIM_LATE: sent on the 16th day after the return; the 15th is in time', () => {
      expect(sut(claim(), { sentOn: '2026-12-16' })).toEqual({ problems: [], warnings: [] });
      expect(sut(claim(), { sentOn: '2026-12-17' })).toEqual({
        problems: [],
        warnings: [
          {
            code: 'CLAIM_LATE',
            path: 'body.returnAct.handoverDate',
            message:
              'sent on 2026-12-17, more than 15 calendar days after the return on 2026-12-01 (last day 2026-12-16)',
            treaty: 'RET-3.2',
          },
        ],
      });
    });
  });

  describe('RET-3.7: the national bank’s rate on the expense date, checked against the imported table', () => {
    it('RATE_MISMATCH: a RUB rate that is not the one in force on the expense date', () => {
      // 2026-11-26: the 2026-11-25 row (5.21) is in force, not the 2026-11-30 one (5.23)
      const body = withLine(claim(), 2, { rate: { source: 'NBK', value: '5.23', units: 1 } });
      expect(sut(body).problems).toEqual([
        {
          code: 'RATE_MISMATCH',
          path: 'body.lines[2].rate.value',
          message:
            'line 3: the official NBK rate of RUB in force on 2026-11-26 is 5.21 per 1 (from 2026-11-25), not 5.23 per 1',
          treaty: 'RET-3.7',
        },
      ]);
    });

    it('matches the same rate quoted per 100 units', () => {
      const body = withLine(claim(), 2, { rate: { source: 'NBK', value: '521', units: 100 } });
      expect(sut(body)).toEqual({ problems: [], warnings: [] });
    });

    it('RATE_NOT_COVERED: an expense before the first imported row is a warning', () => {
      const body = withLine(claim(), 2, { expenseDate: '2026-11-20' });
      expect(sut(body)).toEqual({
        problems: [],
        warnings: [
          expect.objectContaining({ code: 'RATE_NOT_COVERED', path: 'body.lines[2].rate' }),
          expect.objectContaining({ code: 'RATE_NOT_COVERED', path: 'body.lines[2].usdRate' }),
        ],
      });
    });

    it('RATE_SOURCE_WRONG: the Russian central bank’s rate on a Kazakh claim', () => {
      const body = withLine(claim(), 2, { rate: { source: 'CBR', value: '5.21', units: 1 } });
      expect(codes(body)).toEqual([['body.lines[2].rate.source', 'RATE_SOURCE_WRONG']]);
    });

    it('RATE_MISSING: an EUR expense without its rate to KZT', () => {
      const body = claim();
      delete body.lines[3].rate;
      expect(codes(body)).toEqual([['body.lines[3].rate', 'RATE_MISSING']]);
    });

    it('RATE_UNEXPECTED: a KZT expense with a rate of its own; a USD expense with a USD rate', () => {
      const body = claim();
      body.lines[0].rate = { source: 'NBK', value: '1', units: 1 };
      body.lines[1].currency = 'USD';
      body.lines[1].amount = '198.54';
      expect(codes(body)).toEqual([
        ['body.lines[0].rate', 'RATE_UNEXPECTED'],
        ['body.lines[1].usdRate', 'RATE_UNEXPECTED'],
      ]);
    });

    it('a USD expense needs no rate: its usd is its amount', () => {
      const body = claim();
      body.lines[1].currency = 'USD';
      body.lines[1].amount = '198.54';
      delete body.lines[1].usdRate;
      expect(sut(body)).toEqual({ problems: [], warnings: [] });
    });
  });

  it('lists every problem, not just the first', () => {
    const body = claim();
    body.lines[0].usd = '1.00';
    body.lines[2].rate!.source = 'CBR';
    body.total.currency = 'EUR';
    body.documents = body.documents.filter((d) => d.id !== 'd1');
    expect(codes(body, { sentOn: '2027-01-01', to: { party: 'RU' } })).toEqual([
      ['body.residenceState', 'CLAIM_WRONG_DIRECTION'],
      ['body.documents', 'DOCUMENT_MISSING'],
      ['body.lines[0].usd', 'LINE_USD_MISMATCH'],
      ['body.lines[2].rate.source', 'RATE_SOURCE_WRONG'],
      ['body.total.currency', 'TOTAL_CURRENCY'],
      ['body.total.amount', 'TOTAL_MISMATCH'],
    ]);
    expect(sut(body, { sentOn: '2027-01-01' }).warnings.map((w) => w.code)).toEqual(['CLAIM_LATE']);
  });
});
