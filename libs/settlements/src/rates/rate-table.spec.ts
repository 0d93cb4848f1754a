import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@mxg/config';
import { RateCsvError } from './rate-csv-error';
import { RateTable } from './rate-table';

const HEADER = 'source,date,currency,units,rate';
const example = readFileSync(join(findRepoRoot(), 'examples', 'ret', 'rates-nbk.csv'), 'utf8');

function refusal(text: string): RateCsvError {
  try {
    RateTable.fromCsv(text, 'nbk.csv');
  } catch (error) {
    if (error instanceof RateCsvError) return error;
    throw error;
  }
  throw new Error('expected RATES_INVALID');
}

describe(RateTable.name, () => {
  it('reads examples/ret/rates-nbk.csv', () => {
    const sut = RateTable.fromCsv(example);
    expect(sut.sources()).toEqual(['NBK']);
    expect(sut.rows()).toHaveLength(6);
    expect(sut.rows()[0]).toEqual({
      source: 'NBK',
      date: '2026-11-25',
      currency: 'EUR',
      units: 1,
      rate: '515.20',
    });
  });

  it('RET-3.7: the rate in force on a day is the latest row on or before it', () => {
    const sut = RateTable.fromCsv(example);
    expect(sut.rateOn('NBK', 'USD', '2026-11-25')).toEqual({
      value: '478.50',
      units: 1,
      date: '2026-11-25',
    });
    expect(sut.rateOn('NBK', 'USD', '2026-11-29')).toEqual({
      value: '478.50',
      units: 1,
      date: '2026-11-25',
    });
    expect(sut.rateOn('NBK', 'USD', '2026-11-30')).toEqual({
      value: '479.10',
      units: 1,
      date: '2026-11-30',
    });
    expect(sut.rateOn('NBK', 'USD', '2027-01-31')).toMatchObject({ date: '2026-11-30' });
    expect(sut.rateOn('NBK', 'USD', '2026-11-24')).toBe('not-covered');
    expect(sut.rateOn('NBK', 'GBP', '2026-11-30')).toBe('not-covered');
    expect(sut.rateOn('CBR', 'USD', '2026-11-30')).toBe('not-covered');
  });

  it('is empty, and merges tables of several banks (the later table wins a repeated row)', () => {
    expect(RateTable.empty().rows()).toEqual([]);
    expect(RateTable.empty().sources()).toEqual([]);
    const cbr = RateTable.fromCsv(
      `${HEADER}\nCBR,2026-11-25,USD,1,79.10\nCBR,2026-11-25,KZT,100,16.53\n`,
    );
    const correction = RateTable.fromCsv(`${HEADER}\nNBK,2026-11-25,USD,1,478.60\n`);
    const sut = RateTable.fromCsv(example).merge(cbr).merge(correction);
    expect(sut.sources()).toEqual(['CBR', 'NBK']);
    expect(sut.rows()).toHaveLength(8);
    expect(sut.rateOn('CBR', 'KZT', '2026-12-01')).toEqual({
      value: '16.53',
      units: 100,
      date: '2026-11-25',
    });
    expect(sut.rateOn('NBK', 'USD', '2026-11-26')).toMatchObject({ value: '478.60' });
  });

  it('accepts a BOM, CRLF line ends and blank lines; line numbers count them', () => {
    const sut = RateTable.fromCsv(
      `\uFEFF${HEADER}\r\nNBK,2026-11-25,USD,1,478.50\r\n\r\nNBK,2026-11-25,EUR,1,515.20\r\n`,
    );
    expect(sut.rows()).toHaveLength(2);
    const late = refusal(
      `${HEADER}\r\nNBK,2026-11-25,USD,1,478.50\r\n\r\nNBK,2026-11-25,EUR,1,x\r\n`,
    );
    expect(late.problems.map((p) => p.line)).toEqual([4]);
  });

  it('RATES_INVALID: a wrong header', () => {
    const sut = refusal('date,currency,rate\n2026-11-25,USD,478.50\n');
    expect(sut.code).toBe('RATES_INVALID');
    expect(sut.problems).toEqual([
      { line: 1, message: 'the header must be source,date,currency,units,rate' },
    ]);
  });

  it('RATES_INVALID: every bad line, each with its number', () => {
    const sut = refusal(
      [
        HEADER,
        'NBK,2026-11-25,USD,1,478.50', // 2: fine
        'NBK,2026-02-30,EUR,1,515.20', // 3: no such date
        'NBK,25.11.2026,EUR,1,515.20', // 4: not ISO
        'NBK,2026-11-25,ZZZ,1,515.20', // 5: not ISO 4217
        'NBK,2026-11-25,RUB,0,5.21', // 6: units
        'NBK,2026-11-25,GBP,1,-600', // 7: negative
        'NBK,2026-11-25,CNY,1,0.00', // 8: zero
        'NBK,2026-11-25,CHF,1,5e2', // 9: not a decimal
        'NBK,2026-11-25,USD,1,478.50', // 10: repeated
        'CBR,2026-11-25,JPY,100,3.10', // 11: another source
        'NBK,2026-11-25,TRY,1', // 12: a field short
        'nbk,2026-11-25,TRY,1,13.5', // 13: not a bank code
      ].join('\n'),
    );
    expect(sut.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(sut.problems[0]?.message).toBe('date must be a real date YYYY-MM-DD');
    expect(sut.problems[2]?.message).toBe('currency must be an ISO 4217 code such as USD');
    expect(sut.problems[7]?.message).toBe('repeats the USD rate of 2026-11-25 (line 2)');
    expect(sut.problems[8]?.message).toBe(
      'source CBR differs from NBK (line 2): one national bank per file',
    );
    expect(sut.message).toMatch(/^RATES_INVALID: nbk\.csv: line 3: date must be a real date/);
  });

  it('RATES_INVALID: a header alone, or not CSV at all', () => {
    expect(refusal(`${HEADER}\n`).problems).toEqual([
      { line: 2, message: 'no rates: the file has only its header' },
    ]);
    expect(refusal('').problems[0]?.line).toBe(1);
    const unclosed = refusal(`${HEADER}\nNBK,2026-11-25,USD,1,"478.50\n`);
    expect(unclosed.problems[0]?.message).toMatch(/^not CSV: /);
  });
});
