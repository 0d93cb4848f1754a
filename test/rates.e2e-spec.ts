import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@mxg/config';
import {
  createExchangePair,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { audited, auditEntries } from './support/request-flow';
import { pagedThrough } from './support/paging';

/**
 * RET-3.7 on a real gateway: a security officer imports the National Bank of Kazakhstan's
 * official rates (`examples/ret/rates-nbk.csv`) as CSV; the rows are listed back exactly as
 * written; importing the same file again changes nothing; a malformed file is refused whole with
 * every problem's line; only security officers and administrators may import; every import and
 * every refusal is on the audit log with the file's SHA-256.
 */

const CSV = readFileSync(join(findRepoRoot(), 'examples', 'ret', 'rates-nbk.csv'));
const SHA256 = createHash('sha256').update(CSV).digest('hex');

interface RateView {
  source: string;
  date: string;
  currency: string;
  units: number;
  rate: string;
}
interface ImportView {
  id: string;
  source: string;
  sha256: string;
  rows: number;
  added: number;
  changed: number;
  unchanged: number;
  firstDate: string;
  lastDate: string;
}

describe('official rate tables (RET-3.7)', () => {
  let pair: ExchangePair;
  let kz: GatewayUnderTest;

  const importCsv = (client: string, csv: string | Buffer, type = 'text/csv') =>
    kz.api<{ import: ImportView; code?: string; errors?: { line: number; message: string }[] }>(
      client,
      'POST',
      '/v1/rates',
      Buffer.from(csv),
      { 'content-type': type },
    );
  const list = async (gateway: GatewayUnderTest, query = '') => {
    const { status, body } = await gateway.api<{
      rates: RateView[];
      imports: ImportView[];
      next: string | null;
    }>('auditor', 'GET', `/v1/rates${query}`);
    expect(status).toBe(200);
    return body;
  };

  beforeAll(async () => {
    pair = await createExchangePair();
    ({ kz } = pair);
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  it('imports the NBK table and lists its rows exactly as written', async () => {
    const { status, body } = await importCsv('security-officer', CSV);
    expect(status).toBe(200);
    expect(body.import).toMatchObject({
      source: 'NBK',
      sha256: SHA256,
      rows: 6,
      added: 6,
      changed: 0,
      unchanged: 0,
      firstDate: '2026-11-25',
      lastDate: '2026-11-30',
    });
    const { rates, imports } = await list(kz, '?source=NBK');
    expect(rates).toHaveLength(6);
    expect(rates).toContainEqual({
      source: 'NBK',
      date: '2026-11-25',
      currency: 'USD',
      units: 1,
      rate: '478.50', // the decimal as written: trailing zero kept, never a float
    });
    expect(imports).toEqual([expect.objectContaining({ id: body.import.id, sha256: SHA256 })]);
    const window = await list(kz, '?source=NBK&from=2026-11-26&to=2026-12-31');
    expect(window.rates.map((r) => `${r.currency}@${r.date}`).sort()).toEqual([
      'EUR@2026-11-30',
      'RUB@2026-11-30',
      'USD@2026-11-30',
    ]);
    expect((await list(kz, '?source=CBR')).rates).toEqual([]);
    // #17: pages like every list — by (source, currency, date), `next` until the last page.
    const paged = await pagedThrough<RateView>(kz, 'auditor', '/v1/rates?source=NBK', 'rates', 4);
    expect(paged).toEqual({ items: rates, pages: 2 });
    expect(rates.map((r) => `${r.currency}@${r.date}`)).toEqual(
      rates.map((r) => `${r.currency}@${r.date}`).sort(),
    );
    // Each gateway has its own tables: AZ has imported nothing.
    expect((await list(pair.az)).rates).toEqual([]);
  });

  it('is idempotent: the same file again adds and changes nothing; a correction replaces one rate', async () => {
    const again = await importCsv('security-officer', CSV);
    expect(again.status).toBe(200);
    expect(again.body.import).toMatchObject({ rows: 6, added: 0, changed: 0, unchanged: 6 });
    expect((await list(kz, '?source=NBK')).rates).toHaveLength(6);

    // The same rate written 478.5 is the same rate; 479.20 on the 30th is a correction.
    const corrected = CSV.toString('utf8')
      .replace('NBK,2026-11-25,USD,1,478.50', 'NBK,2026-11-25,USD,1,478.5')
      .replace('NBK,2026-11-30,USD,1,479.10', 'NBK,2026-11-30,USD,1,479.20');
    const fix = await importCsv('security-officer', corrected);
    expect(fix.body.import).toMatchObject({ rows: 6, added: 0, changed: 1, unchanged: 5 });
    const { rates } = await list(kz, '?source=NBK&from=2026-11-30&to=2026-11-30');
    expect(rates.find((r) => r.currency === 'USD')?.rate).toBe('479.20');
    expect((await importCsv('security-officer', CSV)).body.import.changed).toBe(1);
  });

  it('RATES_INVALID: refuses a malformed file whole, naming every bad line; nothing is stored', async () => {
    const bad = [
      'source,date,currency,units,rate',
      'NBK,2026-12-01,USD,1,480.00',
      'NBK,2026-12-32,EUR,1,517.00',
      'NBK,2026-12-01,RUB,1,5.25',
      'NBK,2026-12-01,XYZ,1,1.00',
      'NBK,2026-12-01,GBP,1,-610',
    ].join('\n');
    const { status, body } = await importCsv('security-officer', bad);
    expect(status).toBe(422);
    expect(body.code).toBe('RATES_INVALID');
    expect(body.errors).toEqual([
      { line: 3, message: 'date must be a real date YYYY-MM-DD' },
      { line: 5, message: 'currency must be an ISO 4217 code such as USD' },
      { line: 6, message: 'rate must be a positive decimal such as 478.50' },
    ]);
    expect((await list(kz, '?source=NBK&from=2026-12-01')).rates).toEqual([]);
  });

  it('RATES_SOURCE_UNKNOWN: a table of a bank that is no party’s national bank', async () => {
    const { status, body } = await importCsv(
      'security-officer',
      'source,date,currency,units,rate\nECB,2026-11-25,USD,1,1.05\n',
    );
    expect(status).toBe(422);
    expect(body.code).toBe('RATES_SOURCE_UNKNOWN');
  });

  it('only a security officer or administrator imports; any client role reads; CSV only', async () => {
    for (const client of ['KZ-MVD', 'auditor']) {
      const { status, body } = await importCsv(client, CSV);
      expect({ client, status, code: body.code }).toEqual({
        client,
        status: 403,
        code: 'AUTH_FORBIDDEN',
      });
    }
    const anonymous = await fetch(`http://127.0.0.1:${kz.port}/v1/rates`, { method: 'GET' });
    expect(anonymous.status).toBe(401);
    expect((await kz.api('KZ-MVD', 'GET', '/v1/rates')).status).toBe(200);
    const json = await importCsv(
      'security-officer',
      JSON.stringify({ rates: [] }),
      'application/json',
    );
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const latin1 = await importCsv('security-officer', CSV, 'text/csv; charset=iso-8859-1');
    expect(latin1.status).toBe(415);
    const query = await kz.api<{ code: string }>('auditor', 'GET', '/v1/rates?from=2026-02-30');
    expect(query.status).toBe(400);
    expect(query.body.code).toBe('VALIDATION_FAILED');
  });

  it('audits every import and every refusal (rates.imported) with the file’s SHA-256', async () => {
    await audited(
      kz,
      { type: 'rates.imported' },
      (e) => e.outcome === 'failure' && e.errorCode === 'RATES_SOURCE_UNKNOWN',
    );
    const entries = await auditEntries(kz, { type: 'rates.imported' });
    const successes = entries.filter((e) => e.outcome === 'success');
    const failures = entries.filter((e) => e.outcome === 'failure');
    expect(successes).toHaveLength(4);
    expect(successes[0]).toMatchObject({
      contentDigest: `sha256:${SHA256}`,
      details: expect.objectContaining({ source: 'NBK', rows: 6, added: 6, changed: 0 }) as object,
    });
    expect(successes[1]?.details).toMatchObject({ added: 0, changed: 0 });
    expect(failures.map((e) => [e.errorCode, e.details.problems])).toEqual([
      ['RATES_INVALID', 3],
      ['RATES_SOURCE_UNKNOWN', 1],
    ]);
    // The 403s and 415s never reached the importer: no entry for them.
    expect(entries).toHaveLength(6);
  });
});
