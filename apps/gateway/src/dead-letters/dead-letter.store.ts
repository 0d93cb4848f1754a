import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DEAD_LETTER_BOUND } from '@mxg/config';
import { queryRows, type SqlClient } from '@mxg/database';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  DeadLetterPage,
  DeadLetterRecord,
  DeadLetterStatus,
  NewDeadLetter,
} from './dead-letter.types';

interface DeadLetterRow {
  id: string;
  seq: string;
  code: string;
  layer: string | null;
  kind: DeadLetterRecord['kind'];
  from_party: string | null;
  transport_message_id: string | null;
  size: string;
  sha256: string;
  payload_kept: boolean;
  properties: { type: DeadLetterRecord['type'] };
  dead_lettered_at: Date;
  status: DeadLetterStatus;
  decided_at: Date | null;
  decided_by: string | null;
}

const COLUMNS = `id, seq, code, layer, kind, from_party, transport_message_id, size, sha256,
  payload IS NOT NULL AS payload_kept, properties, dead_lettered_at, status, decided_at, decided_by`;

function toRecord(r: DeadLetterRow): DeadLetterRecord {
  return {
    id: r.id,
    seq: String(r.seq),
    code: r.code,
    layer: r.layer,
    kind: r.kind,
    fromParty: r.from_party,
    transportMessageId: r.transport_message_id,
    size: Number(r.size),
    sha256: r.sha256,
    payloadKept: r.payload_kept,
    type: r.properties.type,
    deadLetteredAt: r.dead_lettered_at,
    status: r.status,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
  };
}

/** How much the table keeps: the oldest dead letters go beyond it, as off the queue. */
export interface DeadLetterBound {
  readonly maxLength: number;
  readonly maxLengthBytes: number;
}

/**
 * The `dead_letters` table (README "Dead letters"), and the only door to it. Returns domain
 * records; a payload leaves it only to be replayed (`lockHeld`).
 */
@Injectable()
export class DeadLetterStore {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Keeps a dead letter, once: `undefined` if its `source` is kept already (a copy taken in
   * again after the gateway stopped between commit and ack). Then drops the oldest beyond
   * `bound`, as the dead-letter queue does (drop-head). One transaction.
   */
  async record(
    letter: NewDeadLetter,
    bound: DeadLetterBound = DEAD_LETTER_BOUND,
  ): Promise<{ record: DeadLetterRecord; dropped: number } | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const [row] = await queryRows<DeadLetterRow>(
        tx,
        `WITH inserted AS (
           INSERT INTO dead_letters (id, source, code, layer, kind, from_party,
                                     transport_message_id, size, sha256, payload, properties,
                                     dead_lettered_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (source) DO NOTHING
           RETURNING ${COLUMNS})
         SELECT * FROM inserted`,
        [
          randomUUID(),
          letter.source,
          letter.code,
          letter.layer,
          letter.kind,
          letter.fromParty,
          letter.transportMessageId,
          letter.size,
          letter.sha256,
          letter.payload,
          JSON.stringify(letter.properties),
          letter.at,
        ],
      );
      if (row === undefined) return undefined;
      return { record: toRecord(row), dropped: await this.prune(tx, bound) };
    });
  }

  /**
   * Drops the oldest dead letters beyond `bound.maxLength` rows, and beyond
   * `bound.maxLengthBytes` of kept payloads; returns how many.
   */
  private async prune(db: SqlClient, bound: DeadLetterBound): Promise<number> {
    const [row] = await queryRows<{ dropped: string }>(
      db,
      `WITH by_count AS (
         SELECT seq FROM dead_letters ORDER BY seq DESC OFFSET $1 LIMIT 1),
       by_bytes AS (
         SELECT seq FROM (
           SELECT seq, sum(octet_length(payload)) OVER (ORDER BY seq DESC) AS total
             FROM dead_letters WHERE payload IS NOT NULL) kept
          WHERE total > $2 ORDER BY seq DESC LIMIT 1),
       dropped AS (
         DELETE FROM dead_letters
          WHERE seq <= GREATEST((SELECT seq FROM by_count), (SELECT seq FROM by_bytes))
          RETURNING 1)
       SELECT count(*) AS dropped FROM dropped`,
      [bound.maxLength, bound.maxLengthBytes],
    );
    return Number(row?.dropped ?? 0);
  }

  /** Newest first; `before` is a `seq` from the previous page's `nextBefore`. */
  async list(query: {
    readonly limit: number;
    readonly before?: string;
    readonly status?: DeadLetterStatus;
  }): Promise<DeadLetterPage> {
    const rows = await queryRows<DeadLetterRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM dead_letters
        WHERE ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq DESC LIMIT $1`,
      [query.limit + 1, query.status ?? null, query.before ?? null],
    );
    const items = rows.slice(0, query.limit).map(toRecord);
    return {
      items,
      nextBefore: rows.length > query.limit ? (items.at(-1)?.seq ?? null) : null,
    };
  }

  async find(id: string): Promise<DeadLetterRecord | undefined> {
    const [row] = await queryRows<DeadLetterRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM dead_letters WHERE id = $1`,
      [id],
    );
    return row && toRecord(row);
  }

  /** The dead letter, locked for this transaction, with its payload (if kept). */
  async lock(
    db: SqlClient,
    id: string,
  ): Promise<{ record: DeadLetterRecord; payload: Buffer | null } | undefined> {
    const [row] = await queryRows<DeadLetterRow & { payload: Buffer | null }>(
      db,
      `SELECT ${COLUMNS}, payload FROM dead_letters WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row && { record: toRecord(row), payload: row.payload };
  }

  /** A held dead letter decided: its status, when and by whom; its payload dropped. */
  async decide(
    db: SqlClient,
    id: string,
    status: Exclude<DeadLetterStatus, 'held'>,
    at: Date,
    by: string,
  ): Promise<DeadLetterRecord | undefined> {
    const [row] = await queryRows<DeadLetterRow>(
      db,
      `WITH decided AS (
         UPDATE dead_letters SET status = $2, decided_at = $3, decided_by = $4, payload = NULL
          WHERE id = $1 AND status = 'held'
          RETURNING ${COLUMNS.replace('payload IS NOT NULL', 'false')})
       SELECT * FROM decided`,
      [id, status, at, by],
    );
    return row && toRecord(row);
  }
}
