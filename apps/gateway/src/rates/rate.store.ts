import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows, type SqlClient } from '@mxg/database';
import type { RateRow } from '@mxg/settlements';

/** One import of a rate table: ids, counts, dates and the file's digest. */
export interface RateImportRecord {
  readonly id: string;
  readonly source: string;
  readonly sha256: string;
  readonly rows: number;
  readonly added: number;
  readonly changed: number;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly importedAt: Date;
  readonly importedBy: string;
}

export interface RateFilter {
  readonly sources?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  /** Only rows after this one in (source, currency, date) order: a page's cursor. */
  readonly after?: { readonly source: string; readonly currency: string; readonly date: string };
  /** At most this many rows; all when absent. */
  readonly limit?: number;
}

interface RateDbRow {
  source: string;
  rate_date: string;
  currency: string;
  units: number;
  rate: string;
}

interface ImportDbRow {
  id: string;
  source: string;
  sha256: string;
  rows: number;
  added: number;
  changed: number;
  first_date: string;
  last_date: string;
  imported_at: Date;
  imported_by: string;
}

const toRow = (r: RateDbRow): RateRow => ({
  source: r.source,
  date: r.rate_date,
  currency: r.currency,
  units: r.units,
  rate: r.rate,
});

/**
 * Every SQL statement of the official rate tables (RET-3.7). Dates are read as text: a rate's
 * date is a calendar date, never an instant in some time zone.
 */
@Injectable()
export class RateStore {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serialises imports of one source: two at once would count the same rows as added. */
  async lockSource(db: SqlClient, source: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('mxg.rates.' || $1))`, [source]);
  }

  async rows(filter: RateFilter = {}, db: SqlClient = this.dataSource): Promise<RateRow[]> {
    const rows = await queryRows<RateDbRow>(
      db,
      `SELECT source, rate_date::text AS rate_date, currency, units, rate::text AS rate
         FROM exchange_rates
        WHERE ($1::text[] IS NULL OR source = ANY ($1::text[]))
          AND ($2::date IS NULL OR rate_date >= $2::date)
          AND ($3::date IS NULL OR rate_date <= $3::date)
          AND ($4::text IS NULL OR (source, currency, rate_date) > ($4, $5, $6::date))
        ORDER BY source, currency, rate_date
        LIMIT $7`,
      [
        filter.sources ?? null,
        filter.from ?? null,
        filter.to ?? null,
        filter.after?.source ?? null,
        filter.after?.currency ?? null,
        filter.after?.date ?? null,
        filter.limit ?? null,
      ],
    );
    return rows.map(toRow);
  }

  /** Adds or replaces rows (by source, currency and date), all from one import. */
  async upsert(db: SqlClient, rows: readonly RateRow[], importId: string): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO exchange_rates (source, rate_date, currency, units, rate, import_id)
       SELECT t.source, t.rate_date, t.currency, t.units, t.rate, $6
         FROM unnest($1::text[], $2::date[], $3::text[], $4::int[], $5::numeric[])
              AS t (source, rate_date, currency, units, rate)
       ON CONFLICT (source, currency, rate_date)
       DO UPDATE SET units = EXCLUDED.units, rate = EXCLUDED.rate, import_id = EXCLUDED.import_id`,
      [
        rows.map((r) => r.source),
        rows.map((r) => r.date),
        rows.map((r) => r.currency),
        rows.map((r) => r.units),
        rows.map((r) => r.rate),
        importId,
      ],
    );
  }

  async recordImport(db: SqlClient, record: RateImportRecord): Promise<void> {
    await db.query(
      `INSERT INTO rate_imports
         (id, source, sha256, rows, added, changed, first_date, last_date, imported_at, imported_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        record.id,
        record.source,
        record.sha256,
        record.rows,
        record.added,
        record.changed,
        record.firstDate,
        record.lastDate,
        record.importedAt,
        record.importedBy,
      ],
    );
  }

  /** The latest imports, newest first. */
  async imports(sources?: readonly string[], limit = 20): Promise<RateImportRecord[]> {
    const rows = await queryRows<ImportDbRow>(
      this.dataSource,
      `SELECT id, source, sha256, rows, added, changed, first_date::text AS first_date,
              last_date::text AS last_date, imported_at, imported_by
         FROM rate_imports
        WHERE ($1::text[] IS NULL OR source = ANY ($1::text[]))
        ORDER BY imported_at DESC, id
        LIMIT $2`,
      [sources ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      source: r.source,
      sha256: r.sha256,
      rows: r.rows,
      added: r.added,
      changed: r.changed,
      firstDate: r.first_date,
      lastDate: r.last_date,
      importedAt: r.imported_at,
      importedBy: r.imported_by,
    }));
  }
}
