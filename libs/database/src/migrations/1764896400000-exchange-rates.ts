import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Official exchange rates (RET-3.7): the tables each national bank publishes, imported as CSV
 * (`POST /rates`), against which both gateways check a claim's rates on its expense dates. A
 * row per (bank, date, currency) — the rate in force from that date until the bank's next row
 * — and one row per import (the file's SHA-256, who, when): no personal data at all.
 */
export class ExchangeRates1764896400000 implements MigrationInterface {
  name = 'ExchangeRates1764896400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_imports (
        id           uuid        PRIMARY KEY,
        source       text        NOT NULL CHECK (source ~ '^[A-Z]{2,10}$'),
        sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        rows         integer     NOT NULL CHECK (rows > 0),
        added        integer     NOT NULL CHECK (added >= 0),
        changed      integer     NOT NULL CHECK (changed >= 0),
        first_date   date        NOT NULL,
        last_date    date        NOT NULL,
        imported_at  timestamptz NOT NULL,
        imported_by  text        NOT NULL -- the API client's id
      )`);
    await q.query(`
      CREATE TABLE exchange_rates (
        source     text     NOT NULL CHECK (source ~ '^[A-Z]{2,10}$'),
        rate_date  date     NOT NULL,
        currency   char(3)  NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        units      integer  NOT NULL CHECK (units > 0),
        rate       numeric  NOT NULL CHECK (rate > 0), -- national currency per units of currency
        import_id  uuid     NOT NULL REFERENCES rate_imports (id),
        PRIMARY KEY (source, currency, rate_date)
      )`);
    await q.query(`CREATE INDEX exchange_rates_date_idx ON exchange_rates (source, rate_date)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE exchange_rates`);
    await q.query(`DROP TABLE rate_imports`);
  }
}
