import type { CalculationClaim, CalculationLine, CalculationRate } from './calculation-claim';
import type { CalculationContext } from './calculation-context';
import type { RoundingPolicy } from '@mxg/config';

/** One column of the RET-3.6 table: its Russian heading, share of the width, alignment. */
export interface CalculationColumn {
  readonly heading: string;
  readonly width: number;
  readonly align: 'left' | 'right' | 'center';
}

/**
 * The calculation as text, laid out once for both renderers (HTML and PDF say the same):
 * header lines, the RET-3.6 columns, one row per line, the «Итого» row and the footnotes.
 */
export interface CalculationTable {
  readonly title: string;
  readonly subtitle: string;
  readonly header: readonly string[];
  readonly columns: readonly CalculationColumn[];
  readonly rows: readonly (readonly string[])[];
  readonly total: { readonly label: string; readonly amount: string };
  readonly footnotes: readonly string[];
}

/** RET-3.6: expense name; supporting document and its details; amount; rate; amount in USD. */
export const CALCULATION_COLUMNS: readonly CalculationColumn[] = [
  { heading: '№ п/п', width: 4, align: 'center' },
  { heading: 'Наименование расходов', width: 19, align: 'left' },
  { heading: 'Наименование и реквизиты подтверждающего документа', width: 21, align: 'left' },
  { heading: 'Дата расхода', width: 7.5, align: 'center' },
  { heading: 'Сумма в валюте расхода (валюта)', width: 10.5, align: 'right' },
  { heading: 'Курс национального банка на дату расхода (источник)', width: 13, align: 'right' },
  { heading: 'Курс к доллару США', width: 13, align: 'right' },
  { heading: 'Сумма в долларах США', width: 10, align: 'right' },
];

export const TOTAL_LABEL = 'Итого';

const LINE_KINDS: Readonly<Record<string, string>> = {
  'institution-stay': 'пребывание в специализированном учреждении',
  'minor-travel': 'проезд несовершеннолетнего',
  'escort-travel': 'проезд сопровождающих',
  accommodation: 'проживание сопровождающих',
  'per-diem': 'суточные сопровождающих',
  'internal-travel': 'внутренний проезд',
  'medical-insurance': 'медицинское страхование сопровождающих',
};

const UNITS: Readonly<Record<string, string>> = {
  accommodation: 'чел.-ночей',
  'per-diem': 'чел.-дней',
};

const ROUNDING_MODES: Readonly<Record<RoundingPolicy['mode'], string>> = {
  'half-up': 'половина округляется от нуля (half-up)',
  'half-even': 'половина округляется к чётной цифре, «банковское» округление (half-even)',
};

/** The claim as the printable RET-3.6 table: numbers as the claim states them, dates as ДД.ММ.ГГГГ. */
export function calculationTable(
  claim: CalculationClaim,
  context: CalculationContext,
): CalculationTable {
  const state = (code: string) => {
    const name = context.states[code];
    return name === undefined ? code : `${name} (${code})`;
  };
  const sources = [
    ...new Set(
      claim.lines
        .flatMap((l) => [l.rate?.source, l.usdRate?.source])
        .filter((s) => s !== undefined),
    ),
  ].sort();
  const { scale, mode } = context.rounding;
  const mask = personMask(claim);
  return {
    title: 'Расчёт суммы возмещаемых расходов',
    subtitle:
      'на возвращение несовершеннолетнего в государство его проживания (Исполнительный протокол, пункты 3.6, 3.7)',
    header: [
      `Требование № ${claim.claimNumber}`,
      `Государство пребывания (направляет требование): ${state(claim.stayState)}`,
      `Государство проживания (возмещает расходы): ${state(claim.residenceState)}`,
      `Акт передачи несовершеннолетнего № ${claim.returnAct.number} от ${ruDate(claim.returnAct.handoverDate)}`,
      `Счёт № ${claim.invoice.number} от ${ruDate(claim.invoice.date)}`,
      'Расчёты производятся в долларах США (пункт 2 Протокола).',
    ],
    columns: CALCULATION_COLUMNS,
    rows: claim.lines.map((line) => [
      String(line.no),
      mask(lineName(line)),
      mask(documentCell(claim, line.document)),
      ruDate(line.expenseDate),
      `${line.amount} ${line.currency}`,
      line.rate === undefined ? '—' : rateCell(line.rate, line.currency, context),
      line.usdRate === undefined ? '—' : rateCell(line.usdRate, 'USD', context),
      line.usd,
    ]),
    total: {
      label: TOTAL_LABEL,
      amount:
        claim.total.currency === 'USD'
          ? claim.total.amount
          : `${claim.total.amount} ${claim.total.currency}`,
    },
    footnotes: [
      `Сумма в долларах США по строке = сумма в валюте расхода × курс валюты расхода ÷ курс доллара США ` +
        `(курсы — к национальной валюте государства пребывания); вычисляется точно и округляется один раз ` +
        `до ${scale} ${scale === 1 ? 'знака' : 'знаков'} после запятой: ${ROUNDING_MODES[mode]}. ` +
        `«${TOTAL_LABEL}» — сумма строк, без повторного округления. Протокол правила округления не ` +
        `устанавливает: это правило — политика, установленная в config/settlements.yaml.`,
      `Курсы — официальные курсы национального банка государства пребывания на дату расхода ` +
        `(пункт 3.7 Протокола)${sources.length > 0 ? `: ${sources.map((s) => bankName(s, context)).join('; ')}` : ''}.`,
      'Расчёт не содержит персональных данных: несовершеннолетний и представители сторон названы ' +
        'в акте передачи, на который он ссылается.',
    ],
  };
}

export const MASKED = '[скрыто]';

/**
 * Free text (a line's or a document's name) that repeats the minor's names or birth date, or a
 * representative's name, has them masked: the calculation goes to finance staff and auditors, who need ids and amounts only.
 * A word that begins with a name is masked whole, so inflected forms (Мамедова) go too.
 */
function personMask(claim: CalculationClaim): (text: string) => string {
  const minor = claim.returnAct.minor;
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  const representatives = (claim.returnAct.representatives ?? []).map((r) => r.name ?? '');
  const names = [minor?.surname ?? '', minor?.givenNames ?? '', ...representatives]
    .join(' ')
    .split(/[\s-]+/u)
    .filter((w) => w.length >= 3)
    .map((w) => `${escape(w)}\\p{L}*`);
  const dates =
    minor?.dateOfBirth === undefined
      ? []
      : [minor.dateOfBirth, ruDate(minor.dateOfBirth)].map(escape);
  const words = [...names, ...dates];
  if (words.length === 0) return (text) => text;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  return (text) => text.replace(pattern, MASKED);
}

/** 2026-10-06 → 06.10.2026, as Russian financial documents write dates. */
export function ruDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

function lineName(line: CalculationLine): string {
  const kind = LINE_KINDS[line.kind] ?? line.kind;
  const units =
    line.units !== undefined && UNITS[line.kind] !== undefined
      ? `, ${line.units} ${UNITS[line.kind]}`
      : '';
  return `${line.name} (${kind}${units})`;
}

function documentCell(claim: CalculationClaim, id: string): string {
  const doc = claim.documents.find((d) => d.id === id);
  if (doc === undefined) return `документ ${id} не найден в требовании`;
  const details = [
    doc.number === undefined ? undefined : `№ ${doc.number}`,
    doc.date === undefined ? undefined : `от ${ruDate(doc.date)}`,
  ].filter((d) => d !== undefined);
  return [doc.name, details.join(' ')].filter((s) => s !== '').join(', ') + ` [${doc.id}]`;
}

function rateCell(rate: CalculationRate, currency: string, context: CalculationContext): string {
  const national = context.nationalCurrency === undefined ? '' : ` ${context.nationalCurrency}`;
  return `${rate.value}${national} за ${rate.units} ${currency} (${rate.source})`;
}

function bankName(source: string, context: CalculationContext): string {
  const name = context.banks?.[source];
  return name === undefined ? source : `${source} — ${name}`;
}
