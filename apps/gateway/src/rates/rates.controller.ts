import { Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CursorError, type CursorPosition } from '../api/cursor';
import { CSV_MEDIA_TYPE } from '../api/media-types';
import { ApiPageQueries, pageOf, readPage } from '../api/page';
import { BodyOf, type RequestBody } from '../api/request-body.decorator';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { type FieldProblem, validationFailed } from '../exchange/exchange.errors';
import { RateStore } from './rate.store';
import { ImportRates, type RateImportResult } from './use-cases/import-rates/import-rates.use-case';
import { ApiAnswer, ApiPageAnswer, arrayOf, int, object, str } from '../api/openapi-answers';

const BANK = /^[A-Z]{2,10}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

const RATE_SCHEMA = object({
  source: str(undefined, { example: 'NBK' }),
  date: str(undefined, { example: '2026-11-25' }),
  currency: str(undefined, { example: 'USD' }),
  units: int(),
  rate: str('the decimal as the bank wrote it', { example: '478.50' }),
});
const IMPORT_SCHEMA = object({
  id: str(),
  source: str(),
  sha256: str('of the imported file'),
  rows: int(),
  added: int(),
  changed: int(),
  unchanged: int(),
  firstDate: str(),
  lastDate: str(),
  importedAt: str(),
  importedBy: str(),
});

/** The rates' cursors: a row's (source, currency, date), its place in that order. Rows are small. */
const RATES_CURSOR = 'rates';
const MAX_RATES_PAGE = 5000;
const DEFAULT_RATES_PAGE = 1000;

/** A rates cursor's position as a row key; CursorError for one no rate row could have. */
function rateAfter(position: CursorPosition): { source: string; currency: string; date: string } {
  const [source, currency, date] = position as string[];
  if (!BANK.test(source) || !CURRENCY.test(currency) || !isDate(date)) {
    throw new CursorError('is no position among the rates');
  }
  return { source, currency, date };
}

const importView = (r: RateImportResult) => ({
  id: r.id,
  source: r.source,
  sha256: r.sha256,
  rows: r.rows,
  added: r.added,
  changed: r.changed,
  unchanged: r.unchanged,
  firstDate: r.firstDate,
  lastDate: r.lastDate,
  importedAt: r.importedAt.toISOString(),
  importedBy: r.importedBy,
});

/**
 * RET-3.7: the national banks' official exchange rates, against which both gateways check each
 * line of a reimbursement claim on its expense date (docs/settlements.md).
 */
@ApiTags('rates')
@ApiBearerAuth()
@Controller('rates')
@UseGuards(BearerAuthGuard)
export class RatesController {
  constructor(
    private readonly importer: ImportRates,
    private readonly store: RateStore,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('security-officer', 'administrator')
  @ApiOperation({
    summary: 'Import one national bank’s official rate table (CSV; idempotent; audited)',
    description:
      'Header `source,date,currency,units,rate`; one national bank per file; ISO dates, ISO 4217 ' +
      'codes, whole positive units, positive decimal rates (national currency per `units`). A ' +
      'rate is in force from its date until the bank’s next row for that currency (RET-3.7). A ' +
      'refused file changes nothing: 422 RATES_INVALID lists every problem with its line.',
  })
  @ApiConsumes(CSV_MEDIA_TYPE)
  @ApiBody({
    schema: {
      type: 'string',
      example: 'source,date,currency,units,rate\nNBK,2026-11-25,USD,1,478.50\n',
    },
  })
  @ApiAnswer(object({ import: IMPORT_SCHEMA }))
  @ApiUnprocessableEntityResponse({
    description:
      'RATES_INVALID with `errors: [{ line, message }]`; RATES_SOURCE_UNKNOWN: not a party’s national bank',
  })
  async import(
    @BodyOf([CSV_MEDIA_TYPE]) body: RequestBody,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    return { import: importView(await this.importer.import(client, body.bytes)) };
  }

  @Get()
  @Roles('publisher', 'security-officer', 'auditor', 'administrator')
  @ApiOperation({ summary: 'Imported official rates, and the latest imports' })
  @ApiQuery({ name: 'source', required: false, description: 'a national bank code, e.g. NBK' })
  @ApiQuery({ name: 'from', required: false, description: 'first rate date, YYYY-MM-DD' })
  @ApiQuery({ name: 'to', required: false, description: 'last rate date, YYYY-MM-DD' })
  @ApiPageQueries(MAX_RATES_PAGE, DEFAULT_RATES_PAGE)
  @ApiPageAnswer('rates', RATE_SCHEMA, {
    imports: arrayOf(IMPORT_SCHEMA, 'the latest 20 imports'),
  })
  async list(
    @Query('source') source?: unknown,
    @Query('from') from?: unknown,
    @Query('to') to?: unknown,
    @Query('limit') limit?: unknown,
    @Query('cursor') cursor?: unknown,
  ) {
    const problems: FieldProblem[] = [];
    if (source !== undefined && !(typeof source === 'string' && BANK.test(source))) {
      problems.push({ field: 'source', rule: 'value', message: 'must be a bank code such as NBK' });
    }
    for (const [field, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (value !== undefined && !(typeof value === 'string' && isDate(value))) {
        problems.push({ field, rule: 'date', message: 'must be a real date YYYY-MM-DD' });
      }
    }
    const page = readPage(
      RATES_CURSOR,
      ['string', 'string', 'string'],
      { limit, cursor },
      problems,
      MAX_RATES_PAGE,
      DEFAULT_RATES_PAGE,
    );
    if (problems.length > 0) throw validationFailed(problems);
    const after = page.after && rateAfter(page.after);
    const sources = source === undefined ? undefined : [source as string];
    const [found, imports] = await Promise.all([
      this.store.rows({
        sources,
        from: from as string | undefined,
        to: to as string | undefined,
        after,
        // One more than asked: whether there is a next page at all.
        limit: page.size + 1,
      }),
      this.store.imports(sources),
    ]);
    const { items, next } = pageOf(RATES_CURSOR, found, page.size, (r) => [
      r.source,
      r.currency,
      r.date,
    ]);
    return {
      rates: items,
      next,
      imports: imports.map((i) => ({
        ...importView({ ...i, unchanged: i.rows - i.added - i.changed }),
      })),
    };
  }
}

function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
