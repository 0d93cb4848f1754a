import { createHash } from 'node:crypto';
import { queryRows, type SqlClient } from '@mxg/database';
import { type ArchivedCrl, type CrlArchive, MemoryCrlArchive } from '@mxg/envelope';

/** A row of `crl_archive` as loaded at start, before the trust store has re-validated it. */
export interface StoredCrl {
  readonly party: string;
  readonly der: Uint8Array;
  readonly fetchedAt: Date;
  readonly source: string;
}

interface CrlRow {
  party: string;
  der: Buffer;
  fetched_at: Date;
  source: string;
}

/**
 * Every CRL version this gateway has seen, in PostgreSQL (`crl_archive`, append-only: a trigger
 * refuses UPDATE and DELETE) and in memory for the decisions. `add` is synchronous — a trust
 * store calls it in the middle of a decision — so the row is written behind it, in order, and
 * `flush()` waits for the writes; a write that fails is logged and tried again at the next
 * `add` or `flush`, the CRL staying in use meanwhile. The CRL is stored exactly as received
 * (DER) with the columns read from it, when it was fetched and from where.
 */
export class PersistentCrlArchive implements CrlArchive {
  private readonly memory = new MemoryCrlArchive();
  /** `party:sha256` of every CRL that has a row, or will once its write lands. */
  private readonly stored = new Set<string>();
  /** The rows loaded at start, by `party:sha256`: when and where each CRL was first fetched. */
  private readonly firstSeen = new Map<string, StoredCrl>();
  private unsaved: ArchivedCrl[] = [];
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly sql: SqlClient,
    private readonly warn: (message: string) => void,
    /** What the table held at start: offered to the trust store, which validates it again. */
    readonly loaded: readonly StoredCrl[],
  ) {
    for (const row of loaded) {
      const id = key(row.party, row.der);
      this.stored.add(id);
      if (!this.firstSeen.has(id)) this.firstSeen.set(id, row);
    }
  }

  /** Reads the whole archive, oldest fetch first. */
  static async load(
    sql: SqlClient,
    warn: (message: string) => void,
  ): Promise<PersistentCrlArchive> {
    const rows = await queryRows<CrlRow>(
      sql,
      `SELECT party, der, fetched_at, source FROM crl_archive ORDER BY fetched_at, id`,
    );
    return new PersistentCrlArchive(
      sql,
      warn,
      rows.map((row) => ({
        party: row.party,
        der: new Uint8Array(row.der),
        fetchedAt: new Date(row.fetched_at),
        source: row.source,
      })),
    );
  }

  of(party: string): readonly ArchivedCrl[] {
    return this.memory.of(party);
  }

  add(crl: ArchivedCrl): void {
    const id = key(crl.party, crl.der);
    // Seen in an earlier run (e.g. the CRL file offered again at start): the first fetch stands.
    const first = this.firstSeen.get(id);
    this.memory.add(first ? { ...crl, fetchedAt: first.fetchedAt, source: first.source } : crl);
    if (this.stored.has(id)) return;
    this.stored.add(id);
    this.unsaved.push(crl);
    this.writes = this.writes.then(() => this.save());
  }

  /** Resolves once every CRL added so far has its row (or its write failed and was logged). */
  flush(): Promise<void> {
    this.writes = this.writes.then(() => this.save());
    return this.writes;
  }

  private async save(): Promise<void> {
    while (this.unsaved.length > 0) {
      const crl = this.unsaved[0];
      try {
        await this.sql.query(
          `INSERT INTO crl_archive
             (party, crl_number, this_update, next_update, der, sha256, fetched_at, source)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (party, sha256) DO NOTHING`,
          [
            crl.party,
            crl.info.crlNumber?.toString() ?? null,
            crl.info.thisUpdate,
            crl.info.nextUpdate ?? null,
            Buffer.from(crl.der),
            sha256(crl.der),
            crl.fetchedAt,
            crl.source,
          ],
        );
        this.unsaved.shift();
      } catch (error) {
        this.warn(
          `${crl.party}'s CRL ${crl.info.crlNumber ?? '(unnumbered)'} could not be archived in the database (${(error as Error).message}); it stays in use and is written again later`,
        );
        return;
      }
    }
  }
}

function sha256(der: Uint8Array): Buffer {
  return createHash('sha256').update(der).digest();
}

function key(party: string, der: Uint8Array): string {
  return `${party}:${sha256(der).toString('hex')}`;
}
