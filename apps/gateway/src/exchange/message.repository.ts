import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { auditInsertStatement, queryRows, type AuditEventInput, type SqlClient } from '@mxg/audit';
import type { MessageHeader } from '@mxg/envelope';
import type { MessageRecord, MessageStatus, OutboxProperties, OutboxRow } from './exchange.types';

/** A transaction or the pool: every write takes one, so callers choose what commits together. */
export type Db = SqlClient;

interface MessageRow {
  id: string;
  direction: 'outgoing' | 'incoming';
  type: MessageHeader['type'];
  agreement: string;
  from_party: string;
  from_authority: string;
  to_party: string;
  to_authority: string;
  correlation_id: string;
  in_reply_to: string | null;
  digest: string;
  signatory_id: string;
  created_at: Date;
  recorded_at: Date;
  status: MessageStatus;
  status_code: string | null;
  status_at: Date;
  attempts: number;
  receipt_due_at: Date | null;
  submitted_by: string | null;
  request_digest: string | null;
}

export interface NewMessage {
  readonly header: MessageHeader;
  readonly direction: 'outgoing' | 'incoming';
  readonly digest: string;
  readonly signatoryId: string;
  readonly status: MessageStatus;
  readonly at: Date;
  readonly content: Uint8Array;
  readonly signed: Uint8Array;
  readonly envelope?: Uint8Array;
  readonly submittedBy?: string;
  readonly idempotencyKey?: string;
  readonly requestDigest?: string;
}

export interface NewOutboxEntry {
  readonly messageId: string;
  readonly kind: OutboxRow['kind'];
  readonly exchange: string;
  readonly routingKey: string;
  /** `null` for an envelope: the relay sends the one stored with the message (`message_contents.envelope`). */
  readonly payload: Uint8Array | null;
  readonly properties: OutboxProperties;
  readonly at: Date;
}

export interface NewReceipt {
  readonly messageId: string;
  readonly direction: 'sent' | 'received';
  readonly status: 'accepted' | 'rejected';
  readonly code: string | null;
  readonly signed: Uint8Array;
  readonly at: Date;
}

/** Rows written in the same statement as a new message, and only if the message is new. */
export interface WithNewMessage {
  /** The receipt this gateway sends for it (its message id is the new message's). */
  readonly receipt?: Omit<NewReceipt, 'messageId'>;
  readonly outbox?: NewOutboxEntry;
  /** Audit entries for the new message (recorded at its `at`): they exist exactly when it does. */
  readonly audit?: readonly AuditEventInput[];
}

const OUTBOX_COLUMNS = `message_id, kind, exchange, routing_key, payload, properties, created_at, available_at`;

/** Parameters of an outbox row, in OUTBOX_COLUMNS order (`created_at` is also `available_at`). */
function outboxParameters(entry: NewOutboxEntry): unknown[] {
  return [
    entry.messageId,
    entry.kind,
    entry.exchange,
    entry.routingKey,
    entry.payload ? Buffer.from(entry.payload) : null,
    JSON.stringify(entry.properties),
    entry.at,
  ];
}

/** `$n::type` placeholders for outboxParameters placed after `at` parameters already bound. */
function outboxPlaceholders(at: number): string {
  const p = (i: number) => `$${at + i}`;
  return `${p(1)}::text, ${p(2)}::text, ${p(3)}::text, ${p(4)}::text, ${p(5)}::bytea, ${p(6)}::jsonb, ${p(7)}::timestamptz, ${p(7)}::timestamptz`;
}

/**
 * Every SQL statement of the exchange, and the only door to message content (so per-message
 * encryption can come later in one place). Returns domain records, never ORM entities.
 */
@Injectable()
export class MessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Inserts a message and its content — and, only if the message is new, the rows of `also`, its
   * audit entries included — in one statement, autocommitted unless `db` is a transaction (a
   * data-modifying CTE is atomic); `undefined` when a message with this id exists already (a
   * duplicate: nothing is written), the stored record otherwise.
   */
  async insertMessage(
    m: NewMessage,
    also: WithNewMessage = {},
    db: Db = this.dataSource,
  ): Promise<MessageRecord | undefined> {
    const h = m.header;
    const parameters: unknown[] = [
      h.id,
      m.direction,
      h.type,
      h.agreement,
      h.from.party,
      h.from.authority,
      h.to.party,
      h.to.authority,
      h.correlationId,
      h.inReplyTo?.id ?? null,
      m.digest,
      m.signatoryId,
      h.createdAt,
      m.at,
      m.status,
      m.submittedBy ?? null,
      m.idempotencyKey ?? null,
      m.requestDigest ?? null,
      Buffer.from(m.content),
      Buffer.from(m.signed),
      m.envelope ? Buffer.from(m.envelope) : null,
    ];
    const more: string[] = [];
    if (also.receipt) {
      const r = also.receipt;
      const at = parameters.length;
      parameters.push(r.direction, r.status, r.code, Buffer.from(r.signed), r.at);
      more.push(`r AS (
         INSERT INTO receipts (message_id, direction, status, code, signed, recorded_at)
         SELECT id, $${at + 1}::text, $${at + 2}::text, $${at + 3}::text, $${at + 4}::bytea,
                $${at + 5}::timestamptz FROM m)`);
    }
    if (also.outbox) {
      const at = parameters.length;
      parameters.push(...outboxParameters(also.outbox));
      more.push(`o AS (
         INSERT INTO outbox (${OUTBOX_COLUMNS}) SELECT ${outboxPlaceholders(at)} FROM m)`);
    }
    if (also.audit && also.audit.length > 0) {
      const audit = auditInsertStatement(also.audit, {
        time: m.at,
        firstParameter: parameters.length + 1,
        onlyIf: 'EXISTS (SELECT FROM m)',
      });
      parameters.push(...audit.parameters);
      more.push(`a AS (${audit.text})`);
    }
    const [row] = await queryRows<MessageRow>(
      db,
      `WITH m AS (
         INSERT INTO messages (id, direction, type, agreement, from_party, from_authority, to_party,
           to_authority, correlation_id, in_reply_to, digest, signatory_id, created_at, recorded_at,
           status, status_at, submitted_by, idempotency_key, request_digest)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$14,$16,$17,$18)
         ON CONFLICT (id) DO NOTHING RETURNING *),
       c AS (
         INSERT INTO message_contents (message_id, content, signed, envelope)
         SELECT id, $19, $20, $21 FROM m)${more.map((cte) => `,\n       ${cte}`).join('')}
       SELECT * FROM m`,
      parameters,
    );
    return row && toRecord(row);
  }

  async find(id: string, db: Db = this.dataSource): Promise<MessageRecord | undefined> {
    const [row] = await queryRows<MessageRow>(db, `SELECT * FROM messages WHERE id = $1`, [id]);
    return row && toRecord(row);
  }

  async findByIdempotencyKey(client: string, key: string): Promise<MessageRecord | undefined> {
    const [row] = await queryRows<MessageRow>(
      this.dataSource,
      `SELECT * FROM messages WHERE submitted_by = $1 AND idempotency_key = $2`,
      [client, key],
    );
    return row && toRecord(row);
  }

  async content(
    id: string,
  ): Promise<{ content: Buffer; signed: Buffer; envelope: Buffer | null } | undefined> {
    const [row] = await queryRows<{ content: Buffer; signed: Buffer; envelope: Buffer | null }>(
      this.dataSource,
      `SELECT content, signed, envelope FROM message_contents WHERE message_id = $1`,
      [id],
    );
    return row;
  }

  /** Received messages addressed to an authority that its national system has not yet taken. */
  async inbox(authority: string, limit: number, after?: Date): Promise<MessageRecord[]> {
    const rows = await queryRows<MessageRow>(
      this.dataSource,
      `SELECT * FROM messages
        WHERE direction = 'incoming' AND status = 'received' AND to_authority = $1
          AND ($3::timestamptz IS NULL OR recorded_at > $3)
        ORDER BY recorded_at, id LIMIT $2`,
      [authority, limit, after ?? null],
    );
    return rows.map(toRecord);
  }

  /** Moves a message to a new status; only from one of `from`. Returns the record, if moved. */
  async setStatus(
    db: Db,
    id: string,
    status: MessageStatus,
    at: Date,
    options: {
      from: readonly MessageStatus[];
      code?: string | null;
      receiptDueAt?: Date | null;
      attempts?: number;
    },
  ): Promise<MessageRecord | undefined> {
    const [row] = await queryRows<MessageRow>(
      db,
      `WITH moved AS (
         UPDATE messages SET status = $2, status_at = $3, status_code = $4,
                receipt_due_at = CASE WHEN $6 THEN $5::timestamptz ELSE receipt_due_at END,
                attempts = COALESCE($8, attempts)
          WHERE id = $1 AND status = ANY($7::text[]) RETURNING *)
       SELECT * FROM moved`,
      [
        id,
        status,
        at,
        options.code ?? null,
        options.receiptDueAt ?? null,
        options.receiptDueAt !== undefined,
        [...options.from],
        options.attempts ?? null,
      ],
    );
    return row && toRecord(row);
  }

  /**
   * A relay batch went out, in one statement: its outbox rows are published, and each envelope's
   * message is `published` (unless its receipt already came back) with its receipt due after
   * `timeoutSeconds`, doubled for every earlier attempt. Returns those messages.
   */
  async markBatchPublished(
    db: Db,
    rows: readonly Pick<OutboxRow, 'id' | 'kind' | 'messageId'>[],
    at: Date,
    timeoutSeconds: number,
  ): Promise<MessageRecord[]> {
    if (rows.length === 0) return [];
    const envelopes = rows.filter((r) => r.kind === 'envelope').map((r) => r.messageId);
    const moved = await queryRows<MessageRow>(
      db,
      `WITH published AS (
         UPDATE outbox SET published_at = $2, attempts = attempts + 1
          WHERE id = ANY($1::bigint[]) RETURNING id),
       moved AS (
         UPDATE messages SET
           attempts = attempts + 1,
           status = CASE WHEN status IN ('accepted', 'published') THEN 'published' ELSE status END,
           status_at = CASE WHEN status IN ('accepted', 'published') THEN $2 ELSE status_at END,
           receipt_due_at = CASE WHEN status IN ('accepted', 'published')
             THEN $2 + make_interval(secs => $3 * power(2, LEAST(attempts, 16))) ELSE receipt_due_at END
         WHERE id = ANY($4::uuid[]) RETURNING *)
       SELECT * FROM moved`,
      [rows.map((r) => r.id), at, timeoutSeconds, envelopes],
    );
    return moved.map(toRecord);
  }

  /** Published messages whose receipt is overdue; locked so that one instance re-sends each. */
  async overdue(db: Db, now: Date, limit: number): Promise<MessageRecord[]> {
    const rows = await queryRows<MessageRow>(
      db,
      `SELECT * FROM messages WHERE status = 'published' AND receipt_due_at <= $1
        ORDER BY receipt_due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toRecord);
  }

  async enqueue(db: Db, entry: NewOutboxEntry): Promise<void> {
    await db.query(
      `INSERT INTO outbox (${OUTBOX_COLUMNS}) VALUES (${outboxPlaceholders(0)})`,
      outboxParameters(entry),
    );
  }

  /** Due outbox rows, locked for this transaction; other instances skip them. */
  async claimOutbox(db: Db, now: Date, limit: number): Promise<OutboxRow[]> {
    const rows = await queryRows<{
      id: string;
      message_id: string;
      kind: OutboxRow['kind'];
      exchange: string;
      routing_key: string;
      payload: Buffer;
      properties: OutboxProperties;
      attempts: number;
    }>(
      db,
      // An envelope row without a payload sends the envelope stored with its message. (CASE, so
      // that no other row's message id — 'unknown' for some dead letters — is cast to uuid.)
      `SELECT o.id, o.message_id, o.kind, o.exchange, o.routing_key, o.properties, o.attempts,
              COALESCE(o.payload, (SELECT c.envelope FROM message_contents c
                WHERE c.message_id = CASE WHEN o.payload IS NULL AND o.kind = 'envelope'
                                          THEN o.message_id::uuid END)) AS payload
         FROM outbox o
        WHERE o.published_at IS NULL AND o.available_at <= $1
        ORDER BY o.available_at, o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      messageId: r.message_id,
      kind: r.kind,
      exchange: r.exchange,
      routingKey: r.routing_key,
      payload: r.payload,
      properties: r.properties,
      attempts: r.attempts,
    }));
  }

  async markPublishFailed(db: Db, id: string, error: string, retryAt: Date): Promise<void> {
    await queryRows(
      db,
      `WITH u AS (UPDATE outbox SET attempts = attempts + 1, last_error = $2, available_at = $3 WHERE id = $1 RETURNING id) SELECT count(*) FROM u`,
      [id, error, retryAt],
    );
  }

  async pendingOutbox(): Promise<number> {
    const [row] = await queryRows<{ n: string }>(
      this.dataSource,
      `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`,
    );
    return Number(row?.n ?? 0);
  }

  /**
   * A receipt came back for the message it names (the caller read and checked that message), in
   * one statement, autocommitted unless `db` is a transaction: records the receipt and — only if
   * it is the first — moves the message to `status` (from one of `from`, its receipt no longer
   * due) and writes `audit` (recorded at `r.at`). `false` for a receipt recorded already: then
   * nothing is written.
   */
  async recordReceivedReceipt(
    r: Omit<NewReceipt, 'direction'>,
    status: MessageStatus,
    from: readonly MessageStatus[],
    audit: readonly AuditEventInput[],
    db: Db = this.dataSource,
  ): Promise<boolean> {
    const parameters: unknown[] = [
      r.messageId,
      r.status,
      r.code,
      Buffer.from(r.signed),
      r.at,
      status,
      [...from],
    ];
    const more: string[] = [];
    if (audit.length > 0) {
      const a = auditInsertStatement(audit, {
        time: r.at,
        firstParameter: parameters.length + 1,
        onlyIf: 'EXISTS (SELECT FROM r)',
      });
      parameters.push(...a.parameters);
      more.push(`a AS (${a.text})`);
    }
    const [row] = await queryRows<{ first: number }>(
      db,
      `WITH r AS (
         INSERT INTO receipts (message_id, direction, status, code, signed, recorded_at)
         VALUES ($1::uuid, 'received', $2::text, $3::text, $4::bytea, $5::timestamptz)
         ON CONFLICT DO NOTHING RETURNING message_id),
       moved AS (
         UPDATE messages SET status = $6, status_at = $5, status_code = $3, receipt_due_at = NULL
          WHERE id = (SELECT message_id FROM r) AND status = ANY($7::text[]) RETURNING id)${more.map((cte) => `,\n       ${cte}`).join('')}
       SELECT count(*)::int AS first FROM r`,
      parameters,
    );
    return (row?.first ?? 0) > 0;
  }

  async receipt(
    messageId: string,
    direction: 'sent' | 'received',
    db: Db = this.dataSource,
  ): Promise<
    { status: string; code: string | null; signed: Buffer; recordedAt: Date } | undefined
  > {
    const [row] = await queryRows<{
      status: string;
      code: string | null;
      signed: Buffer;
      recorded_at: Date;
    }>(
      db,
      `SELECT status, code, signed, recorded_at FROM receipts WHERE message_id = $1 AND direction = $2`,
      [messageId, direction],
    );
    return (
      row && { status: row.status, code: row.code, signed: row.signed, recordedAt: row.recorded_at }
    );
  }
}

function toRecord(r: MessageRow): MessageRecord {
  return {
    id: r.id,
    direction: r.direction,
    type: r.type,
    agreement: r.agreement,
    from: { party: r.from_party.trim(), authority: r.from_authority },
    to: { party: r.to_party.trim(), authority: r.to_authority },
    correlationId: r.correlation_id,
    inReplyTo: r.in_reply_to,
    digest: r.digest,
    signatoryId: r.signatory_id,
    createdAt: r.created_at,
    recordedAt: r.recorded_at,
    status: r.status,
    statusCode: r.status_code,
    statusAt: r.status_at,
    attempts: r.attempts,
    receiptDueAt: r.receipt_due_at,
    submittedBy: r.submitted_by,
    requestDigest: r.request_digest,
  };
}
