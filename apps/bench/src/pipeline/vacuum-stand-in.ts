import { Client } from 'pg';

/** A table's figures as autovacuum's trigger reads them. */
export interface TableChurn {
  readonly table: string;
  readonly liveTuples: number;
  readonly deadTuples: number;
  readonly insertedSinceVacuum: number;
  readonly modifiedSinceAnalyze: number;
}

/** The server's autovacuum thresholds (autovacuum_vacuum_threshold …). */
export interface AutovacuumThresholds {
  readonly vacuumThreshold: number;
  readonly vacuumScaleFactor: number;
  readonly insertThreshold: number;
  readonly insertScaleFactor: number;
  readonly analyzeThreshold: number;
  readonly analyzeScaleFactor: number;
}

/**
 * What autovacuum would do to `t` now, by its documented triggers: vacuum once the dead tuples,
 * or the rows inserted since the last vacuum, exceed their threshold + scale factor × live
 * tuples; analyze once the rows changed since the last analyze exceed theirs (PostgreSQL
 * manual, "The Autovacuum Daemon").
 */
export function autovacuumWouldRun(
  t: TableChurn,
  s: AutovacuumThresholds,
): { vacuum: boolean; analyze: boolean } {
  return {
    vacuum:
      t.deadTuples > s.vacuumThreshold + s.vacuumScaleFactor * t.liveTuples ||
      t.insertedSinceVacuum > s.insertThreshold + s.insertScaleFactor * t.liveTuples,
    analyze: t.modifiedSinceAnalyze > s.analyzeThreshold + s.analyzeScaleFactor * t.liveTuples,
  };
}

/**
 * #16: autovacuum's work, done by the bench on its gateways' databases when the server runs
 * without autovacuum (a CI server's setting: `autovacuum = off`). Without it nothing ever
 * vacuums or analyzes their tables, dead row versions pile up in the partial indexes the outbox
 * relay and the sweepers scan, and a long run gets dearer by the minute for a reason no
 * production server has. The stand-in applies autovacuum's own trigger with the server's own
 * thresholds, from a connection to the database itself, so its CPU is counted as PostgreSQL's
 * like an autovacuum worker's. With the server's autovacuum on, it does nothing.
 */
export class VacuumStandIn {
  private timer?: NodeJS.Timeout;
  private running = Promise.resolve();
  private readonly clients: Client[];
  /** VACUUM and ANALYZE statements run, for the report. */
  vacuums = 0;
  analyzes = 0;

  private constructor(
    urls: readonly string[],
    private readonly thresholds: AutovacuumThresholds,
  ) {
    this.clients = urls.map((url) => {
      const client = new Client({ connectionString: url });
      // The bench drops its databases WITH (FORCE) at the end, ending these connections.
      client.on('error', () => undefined);
      return client;
    });
  }

  /** Starts standing in for autovacuum on `superuserUrls`' databases, if the server needs it. */
  static async startIfOff(
    admin: Client,
    superuserUrls: readonly string[],
  ): Promise<VacuumStandIn | undefined> {
    const setting = async (name: string) =>
      (await admin.query<{ v: string }>('SELECT current_setting($1) AS v', [name])).rows[0].v;
    if ((await setting('autovacuum')) === 'on') return undefined;
    const sut = new VacuumStandIn(superuserUrls, {
      vacuumThreshold: Number(await setting('autovacuum_vacuum_threshold')),
      vacuumScaleFactor: Number(await setting('autovacuum_vacuum_scale_factor')),
      insertThreshold: Number(await setting('autovacuum_vacuum_insert_threshold')),
      insertScaleFactor: Number(await setting('autovacuum_vacuum_insert_scale_factor')),
      analyzeThreshold: Number(await setting('autovacuum_analyze_threshold')),
      analyzeScaleFactor: Number(await setting('autovacuum_analyze_scale_factor')),
    });
    await Promise.all(sut.clients.map((c) => c.connect()));
    // As often as autovacuum would look at each database (autovacuum_naptime; pg_settings has
    // it in seconds, current_setting as `1min`).
    const { rows } = await admin.query<{ s: string }>(
      `SELECT setting AS s FROM pg_settings WHERE name = 'autovacuum_naptime'`,
    );
    const everyMs = Number(rows[0].s) * 1000;
    sut.timer = setInterval(() => {
      sut.running = sut.running.then(() => sut.pass()).catch(() => undefined);
    }, everyMs);
    sut.timer.unref();
    return sut;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await Promise.all(this.clients.map((c) => c.end().catch(() => undefined)));
  }

  private async pass(): Promise<void> {
    for (const client of this.clients) {
      const { rows } = await client.query<{
        table: string;
        live: string;
        dead: string;
        inserted: string;
        modified: string;
      }>(
        `SELECT format('%I.%I', schemaname, relname) AS table, n_live_tup AS live,
                n_dead_tup AS dead, n_ins_since_vacuum AS inserted,
                n_mod_since_analyze AS modified
           FROM pg_stat_user_tables`,
      );
      for (const row of rows) {
        const due = autovacuumWouldRun(
          {
            table: row.table,
            liveTuples: Number(row.live),
            deadTuples: Number(row.dead),
            insertedSinceVacuum: Number(row.inserted),
            modifiedSinceAnalyze: Number(row.modified),
          },
          this.thresholds,
        );
        if (due.vacuum) {
          // Autovacuum analyzes in the same pass when both are due.
          await client.query(`VACUUM ${due.analyze ? '(ANALYZE) ' : ''}${row.table}`);
          this.vacuums++;
          if (due.analyze) this.analyzes++;
        } else if (due.analyze) {
          await client.query(`ANALYZE ${row.table}`);
          this.analyzes++;
        }
      }
    }
  }
}
