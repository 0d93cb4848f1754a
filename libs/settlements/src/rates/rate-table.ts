import { parse } from 'csv-parse/sync';
import { money } from '../money/money';
import { RateCsvError, type RateCsvProblem } from './rate-csv-error';

/** One official rate (RET-3.7): `rate` national currency per `units` of `currency` from `date` on. */
export interface RateRow {
  readonly source: string;
  readonly date: string;
  readonly currency: string;
  readonly units: number;
  readonly rate: string;
}

/** The rate in force on a day: the latest row on or before it. */
export interface RateInForce {
  readonly value: string;
  readonly units: number;
  /** The row's own date (on or before the day asked about). */
  readonly date: string;
}

/** The header every rate file starts with, in this order. */
export const RATE_CSV_HEADER = ['source', 'date', 'currency', 'units', 'rate'] as const;

const SOURCE = /^[A-Z]{2,10}$/u;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/u;
const UNITS = /^[1-9]\d{0,8}$/u;
const RATE = /^\d{1,18}(\.\d{1,12})?$/u;
/** ISO 4217 alphabetic codes, as the runtime's ICU knows them (KZT, AZN, RUB, … USD, EUR). */
const ISO_4217: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

const key = (source: string, currency: string) => `${source}\u0000${currency}`;

/**
 * Official exchange rate tables (RET-3.7), one CSV file per national bank:
 * `source,date,currency,units,rate`. Strict: the header as above; ISO dates that exist; ISO 4217
 * codes; whole positive units; positive decimal rates; one source per file; a (date, currency)
 * once. A file with any problem is refused whole, naming every problem's line.
 */
export class RateTable {
  /** Per source and currency, rows sorted by date. */
  private readonly index: ReadonlyMap<string, readonly RateRow[]>;

  private constructor(rows: readonly RateRow[]) {
    const index = new Map<string, RateRow[]>();
    for (const row of rows) {
      const k = key(row.source, row.currency);
      const list = index.get(k) ?? [];
      list.push(row);
      index.set(k, list);
    }
    for (const list of index.values()) list.sort((a, b) => a.date.localeCompare(b.date));
    this.index = index;
  }

  static empty(): RateTable {
    return new RateTable([]);
  }

  /** Rows already checked (e.g. read back from the database). */
  static fromRows(rows: readonly RateRow[]): RateTable {
    return new RateTable(rows);
  }

  /** Parses and checks a rate file; throws `RateCsvError` (RATES_INVALID) with line numbers. */
  static fromCsv(text: string, file = 'rates.csv'): RateTable {
    let records: { record: string[]; info: { lines: number } }[];
    try {
      records = parse(text, {
        bom: true,
        info: true,
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
      }) as unknown as typeof records;
    } catch (error) {
      const line = (error as { lines?: number }).lines ?? 1;
      throw new RateCsvError(file, [{ line, message: `not CSV: ${(error as Error).message}` }]);
    }
    const problems: RateCsvProblem[] = [];
    const [header, ...data] = records;
    if (!header || header.record.join(',') !== RATE_CSV_HEADER.join(',')) {
      throw new RateCsvError(file, [
        {
          line: header?.info.lines ?? 1,
          message: `the header must be ${RATE_CSV_HEADER.join(',')}`,
        },
      ]);
    }
    if (data.length === 0)
      problems.push({ line: 2, message: 'no rates: the file has only its header' });
    const rows: RateRow[] = [];
    const seen = new Map<string, number>();
    let fileSource: { source: string; line: number } | undefined;
    for (const { record, info } of data) {
      const line = info.lines;
      const problem = (message: string) => problems.push({ line, message });
      if (record.length !== RATE_CSV_HEADER.length) {
        problem(`has ${record.length} fields, not ${RATE_CSV_HEADER.length}`);
        continue;
      }
      const [source = '', date = '', currency = '', units = '', rate = ''] = record;
      const before = problems.length;
      if (!SOURCE.test(source)) problem('source must be a national bank code such as NBK');
      else if (fileSource && fileSource.source !== source) {
        problem(
          `source ${source} differs from ${fileSource.source} (line ${fileSource.line}): one national bank per file`,
        );
      } else fileSource ??= { source, line };
      if (!isCalendarDate(date)) problem('date must be a real date YYYY-MM-DD');
      if (!ISO_4217.has(currency)) problem('currency must be an ISO 4217 code such as USD');
      if (!UNITS.test(units)) problem('units must be a whole number from 1');
      if (!RATE.test(rate) || money(rate).isZero())
        problem('rate must be a positive decimal such as 478.50');
      if (problems.length > before) continue;
      const k = `${date}\u0000${currency}`;
      const first = seen.get(k);
      if (first !== undefined) {
        problem(`repeats the ${currency} rate of ${date} (line ${first})`);
        continue;
      }
      seen.set(k, line);
      rows.push({ source, date, currency, units: Number(units), rate });
    }
    if (problems.length > 0) throw new RateCsvError(file, problems);
    return new RateTable(rows);
  }

  /** Both tables' rows; where both have a (source, date, currency), `other`'s wins. */
  merge(other: RateTable): RateTable {
    const byKey = new Map<string, RateRow>();
    for (const row of [...this.rows(), ...other.rows()]) {
      byKey.set(`${row.source}\u0000${row.date}\u0000${row.currency}`, row);
    }
    return new RateTable([...byKey.values()]);
  }

  /** RET-3.7: the `source`'s rate for `currency` in force on `date` — its latest row on or before. */
  rateOn(source: string, currency: string, date: string): RateInForce | 'not-covered' {
    const list = this.index.get(key(source, currency)) ?? [];
    let found: RateRow | undefined;
    for (const row of list) {
      if (row.date > date) break;
      found = row;
    }
    return found ? { value: found.rate, units: found.units, date: found.date } : 'not-covered';
  }

  /** The national banks this table has rates of, sorted. */
  sources(): string[] {
    return [...new Set([...this.index.values()].flat().map((r) => r.source))].sort();
  }

  /** Every row, by source, currency and date. */
  rows(): RateRow[] {
    return [...this.index.values()]
      .flat()
      .sort(
        (a, b) =>
          a.source.localeCompare(b.source) ||
          a.currency.localeCompare(b.currency) ||
          a.date.localeCompare(b.date),
      );
  }
}

function isCalendarDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
