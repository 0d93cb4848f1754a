import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot, loadSettlements, loadTreatyConfig } from '@mxg/config';
import type { ReimbursementClaim } from '@mxg/messages';
import type { CalculationClaim, CalculationLine } from './calculation-claim';
import { calculationContext, type CalculationContext } from './calculation-context';
import { CALCULATION_COLUMNS, TOTAL_LABEL } from './calculation-table';
import { renderCalculationHtml } from './render-calculation-html';
import { renderCalculationPdf } from './render-calculation-pdf';

const line = (no: number, overrides: Partial<CalculationLine> = {}): CalculationLine => ({
  no,
  kind: 'escort-travel',
  name: `Авиабилет сопровождающего, рейс ${no}`,
  document: 'd3',
  expenseDate: '2026-10-04',
  currency: 'EUR',
  amount: '120.00',
  rate: { source: 'NBK', value: '515.20', units: 1 },
  usdRate: { source: 'NBK', value: '478.50', units: 1 },
  usd: '129.20',
  ...overrides,
});

const claim: CalculationClaim & { returnAct: { place: string } } = {
  claimNumber: 'KZ-RET-2026-0012',
  stayState: 'KZ',
  residenceState: 'AZ',
  returnAct: {
    number: '12',
    handoverDate: '2026-10-06',
    place: 'Алматы',
    minor: { surname: 'Мамедов', givenNames: 'Руслан', dateOfBirth: '2011-03-14' },
    representatives: [{ name: 'Сейткали Айгерим' }, { name: 'Гасанов Турал' }],
  },
  invoice: { number: 'INV-77', date: '2026-10-10' },
  documents: [
    { id: 'd1', kind: 'return-act', name: 'Акт передачи', number: '12', date: '2026-10-06' },
    { id: 'd3', kind: 'escort-travel', name: 'Авиабилеты сопровождающих', number: 'T-5' },
    {
      id: 'd4',
      kind: 'accommodation',
      name: 'Счёт гостиницы <Алатау> & Co за Мамедова Руслана, оплатил Гасанов Т.',
      date: '2026-10-05',
    },
  ],
  lines: [
    line(1),
    line(2, {
      kind: 'accommodation',
      name: 'Проживание сопровождающих',
      document: 'd4',
      currency: 'KZT',
      amount: '48000.00',
      units: 2,
      rate: undefined,
      usd: '100.31',
    }),
    line(3, {
      kind: 'minor-travel',
      name: 'Билет несовершеннолетнего',
      currency: 'USD',
      amount: '80.00',
      usdRate: undefined,
      usd: '80.00',
    }),
  ],
  total: { currency: 'USD', amount: '309.51' },
};

const context: CalculationContext = {
  states: { KZ: 'Республика Казахстан', AZ: 'Азербайджанская Республика' },
  banks: { NBK: 'Национальный Банк Республики Казахстан' },
  nationalCurrency: 'KZT',
  rounding: { mode: 'half-up', scale: 2 },
};

/** The PDF's text as `pdftotext -raw` reads it (content order), whitespace collapsed. */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'mxg-calc-'));
  try {
    const file = join(dir, 'calc.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'])
      .toString('utf8')
      .replace(/\s+/gu, ' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The HTML's text: tags dropped, entities decoded, whitespace collapsed. */
function htmlText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gu, ' ')
    .replace(/<[^>]+>/gu, ' ')
    .replace(/&lt;/gu, '<')
    .replace(/&gt;/gu, '>')
    .replace(/&quot;/gu, '"')
    .replace(/&#39;/gu, "'")
    .replace(/&amp;/gu, '&')
    .replace(/\s+/gu, ' ');
}

describe('the RET-3.6 calculation', () => {
  const headings = CALCULATION_COLUMNS.map((c) => c.heading);

  describe(renderCalculationHtml.name, () => {
    const sut = renderCalculationHtml(claim, context);
    const text = htmlText(sut);

    it('is a Russian, printable page: lang="ru", A4 landscape, header row repeated on each page', () => {
      expect(sut).toMatch(/^<!DOCTYPE html>\n<html lang="ru">/u);
      expect(sut).toContain('@page { size: A4 landscape;');
      expect(sut).toContain('thead { display: table-header-group; }');
    });

    it('shows every RET-3.6 heading, every line, and «Итого» with the total', () => {
      for (const heading of headings) expect(text).toContain(heading);
      for (const l of claim.lines) {
        expect(text).toContain(l.name);
        expect(text).toContain(`${l.amount} ${l.currency}`);
        expect(text).toContain(l.usd);
      }
      expect(text).toMatch(new RegExp(`${TOTAL_LABEL} 309\\.51`, 'u'));
    });

    it('heads the table with the claim, both states, the return act and the invoice', () => {
      expect(text).toContain('Требование № KZ-RET-2026-0012');
      expect(text).toContain('Республика Казахстан (KZ)');
      expect(text).toContain('Азербайджанская Республика (AZ)');
      expect(text).toContain('Акт передачи несовершеннолетнего № 12 от 06.10.2026');
      expect(text).toContain('Счёт № INV-77 от 10.10.2026');
    });

    it('names the rates: national bank, value per units, "—" where a rate is absent', () => {
      expect(text).toContain('515.20 KZT за 1 EUR (NBK)');
      expect(text).toContain('478.50 KZT за 1 USD (NBK)');
      expect(text).toContain('NBK — Национальный Банк Республики Казахстан');
      expect(sut).toMatch(/<td class="right">—<\/td>/u);
    });

    it('names the rounding policy in a footnote, as configured', () => {
      expect(text).toContain('до 2 знаков после запятой: половина округляется от нуля (half-up)');
      const even = htmlText(
        renderCalculationHtml(claim, { ...context, rounding: { mode: 'half-even', scale: 2 } }),
      );
      expect(even).toContain('(half-even)');
    });

    it('escapes the claim’s text', () => {
      expect(sut).toContain('Счёт гостиницы &lt;Алатау&gt; &amp; Co');
      expect(sut).not.toContain('<Алатау>');
    });

    it('names nobody: the minor’s names and birth date are masked where free text repeats them', () => {
      expect(text).not.toMatch(/Мамедов|Руслан|2011-03-14|14\.03\.2011/u);
      expect(text).toContain('Co за [скрыто] [скрыто], оплатил [скрыто] Т.');
    });
  });

  describe(renderCalculationPdf.name, () => {
    it('is a landscape A4 PDF whose text reads back: headings, every line, «Итого» and the total', async () => {
      const sut = await renderCalculationPdf(claim, context);
      expect(sut.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(sut.toString('latin1')).toMatch(/\/MediaBox \[0 0 841\.89 595\.28\]/u);
      const text = pdfText(sut);
      for (const heading of headings) expect(text).toContain(heading);
      for (const l of claim.lines) {
        expect(text).toContain(l.name);
        expect(text).toContain(l.usd);
      }
      expect(text).toContain(`${TOTAL_LABEL} 309.51`);
      expect(text).toContain('Требование № KZ-RET-2026-0012');
      expect(text).toContain('(half-up)');
      expect(text).not.toMatch(/Руслан|14\.03\.2011/u);
    });

    it('repeats the header row on every page of a long calculation', async () => {
      const lines = Array.from({ length: 60 }, (_, i) => line(i + 1));
      const long = { ...claim, lines, total: { currency: 'USD', amount: '7752.00' } };
      const text = pdfText(await renderCalculationPdf(long, context));
      const pages = Number(/стр\. 1 из (\d+)/u.exec(text)?.[1]);
      expect(pages).toBeGreaterThan(1);
      expect(text.split('Наименование расходов').length - 1).toBe(pages);
      for (const l of lines) expect(text).toContain(l.name);
      expect(text).toContain(`${TOTAL_LABEL} 7752.00`);
    });
  });

  describe(calculationContext.name, () => {
    const root = findRepoRoot();
    const config = join(root, 'config');
    const treaty = loadTreatyConfig(config, root);
    // A schema-valid claim body is what the renderers take (compile-time: no cast).
    const example: ReimbursementClaim = JSON.parse(
      readFileSync(join(root, 'examples', 'ret', 'claim.json'), 'utf8'),
    );
    const sut = calculationContext(example, treaty, loadSettlements(config, treaty, root));

    it('names the states and national banks from parties.yaml, the rounding from settlements.yaml', () => {
      expect(sut.states.AZ).toBe('Азербайджанская Республика');
      expect(sut.banks?.NBK).toBe('Национальный Банк Республики Казахстан');
      expect(sut.nationalCurrency).toBe('KZT');
      expect(sut.rounding).toEqual({ mode: 'half-up', scale: 2 });
    });

    it('renders the example claim (examples/ret) without the minor’s or representatives’ names', () => {
      const text = htmlText(renderCalculationHtml(example, sut));
      for (const l of example.lines) expect(text).toContain(l.name);
      expect(text).toContain(`${TOTAL_LABEL} ${example.total.amount}`);
      const people = [
        example.returnAct.minor.surname,
        ...example.returnAct.minor.givenNames.split(' '),
        ...example.returnAct.representatives.flatMap((r) => r.name.split(' ')),
      ];
      for (const word of people) expect(text).not.toContain(word);
    });
  });
});
