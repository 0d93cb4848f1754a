import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditEventInput } from '@mxg/audit';
import { queryRows, type SqlClient } from '@mxg/database';
import { GroupCommit, isUuid } from '@mxg/core';
import type { MessageHeader } from '@mxg/envelope';
import type { MessageRecord, MessageStatus, OutboxProperties, OutboxRow } from './exchange.types';
import { recordReceiptsStatement, type ReceiptRecord } from './record-receipts.statement';
import {
  insertMessagesStatement,
  outboxInsertStatement,
  type MessageInsert,
} from './insert-messages.statement';

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

/**
 * Of a published outbox row `o`: its payload is kept elsewhere or not at all (#10.9). A receipt
 * row's message id is the received message's uuid; compared as text, so that no other row's is
 * ever cast.
 */
export const PAYLOAD_NO_LONGER_NEEDED = `(o.kind = 'dead-letter' OR (o.kind = 'receipt' AND EXISTS (
  SELECT 1 FROM receipts r
   WHERE r.direction = 'sent' AND r.message_id::text = o.message_id AND r.signed = o.payload)))`;

/**
 * How much one group-committed statement holds: at most this many audit entries (an item weighs
 * its entries, at least 1), well under auditInsertStatement's 100.
 */
const MAX_BATCH_WEIGHT = 64;

/**
 * Every SQL statement of the exchange, and the only door to message content (so per-message
 * encryption can come later in one place). Returns domain records, never ORM entities.
 */
@Injectable()
export class MessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether `error` is an insert refused because its client used its Idempotency-Key already. */
  static isIdempotencyConflict(error: unknown): boolean {
    const cause = (error as { driverError?: { code?: string; constraint?: string } } | null)
      ?.driverError;
    return cause?.code === '23505' && cause.constraint === 'messages_idempotency_idx';
  }

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Inserts a message and its content — and, only if the message is new, the rows of `also`, its
   * audit entries included — in one statement, autocommitted unless `db` is a transaction (a
   * data-modifying CTE is atomic); `undefined` when a message with this id exists already (a
   * duplicate: nothing is written), the stored record otherwise. (So the id is what stops a
   * replay: kept at least `exchange.maxEnvelopeAgeSeconds`, see ReceiveEnvelope.)
   *
   * Autocommitted inserts are group-committed: those made while one statement is in flight go
   * out together in the next (one statement and one WAL flush for many messages — the exchange's
   * largest cost in PostgreSQL, issue 6). If a batch fails, each of its messages is tried alone,
   * so that one message's fault (a raced Idempotency-Key) is that message's error only.
   */
  async insertMessage(
    m: NewMessage,
    also: WithNewMessage = {},
    db?: Db,
  ): Promise<MessageRecord | undefined> {
    const item = { message: m, also };
    return db ? (await this.insertMessages([item], db))[0] : this.inserts.submit(item);
  }

  private readonly inserts = groupCommit<MessageInsert, MessageRecord | undefined>(
    (batch) => this.insertMessages(batch, this.dataSource),
    (item) => Math.max(1, item.also.audit?.length ?? 0),
    (item) => item.message.header.id,
  );

  /** The records `items` inserted, in their order; `undefined` for each one that existed. */
  private async insertMessages(
    items: readonly MessageInsert[],
    db: Db,
  ): Promise<(MessageRecord | undefined)[]> {
    const { text, parameters } = insertMessagesStatement(items);
    const rows = await queryRows<MessageRow>(db, text, parameters);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return items.map((item) => {
      const row = byId.get(item.message.header.id);
      return row && toRecord(row);
    });
  }

  /** The message with this id; reads outside a transaction are batched like inserts. */
  async find(id: string, db?: Db): Promise<MessageRecord | undefined> {
    // Not a UUID: no message has it, and it must not fail the batch it would have joined.
    if (!isUuid(id)) return undefined;
    return db ? (await this.findMany([id], db))[0] : this.finds.submit(id);
  }

  private readonly finds = new GroupCommit<string, MessageRecord | undefined>(
    async (ids) =>
      (await this.findMany(ids, this.dataSource)).map((value) => ({ ok: true, value }) as const),
    { maxBatch: MAX_BATCH_WEIGHT },
  );

  private async findMany(ids: readonly string[], db: Db): Promise<(MessageRecord | undefined)[]> {
    const rows = await queryRows<MessageRow>(
      db,
      `SELECT * FROM messages WHERE id = ANY ($1::uuid[])`,
      [[...new Set(ids)]],
    );
    const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
    return ids.map((id) => byId.get(id));
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

  /**
   * Received messages addressed to an authority that its national system has not yet taken, in
   * one strict total order — (recorded_at, id) — after the message `after` if given (the last
   * one of the previous page). Messages recorded in the same instant are neither skipped nor
   * repeated across pages. `undefined` if `after` is no message received for the authority.
   */
  async inbox(
    authority: string,
    limit: number,
    after?: string,
  ): Promise<MessageRecord[] | undefined> {
    if (after !== undefined && !isUuid(after)) return undefined;
    const rows = await queryRows<MessageRow>(
      this.dataSource,
      `SELECT * FROM messages
        WHERE direction = 'incoming' AND status = 'received' AND to_authority = $1
          AND ($3::uuid IS NULL OR (recorded_at, id) > (
            SELECT recorded_at, id FROM messages
             WHERE id = $3 AND direction = 'incoming' AND to_authority = $1))
        ORDER BY recorded_at, id LIMIT $2`,
      [authority, limit, after ?? null],
    );
    if (rows.length === 0 && after !== undefined) {
      const [cursor] = await queryRows(
        this.dataSource,
        `SELECT 1 FROM messages WHERE id = $1 AND direction = 'incoming' AND to_authority = $2`,
        [after, authority],
      );
      if (cursor === undefined) return undefined;
    }
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
   *
   * A published row keeps no payload it no longer needs (#10.9): a dead letter's is on the
   * dead-letter queue (its size and digest stay in its headers and the audit log), and a receipt
   * that `receipts` holds is re-sent from there for a duplicate. A negative receipt for an
   * envelope refused unstored is in no other table, so that row keeps it (a few KB, bounded).
   * Envelope rows carry none: the envelope is `message_contents.envelope`, kept for re-sends.
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
         UPDATE outbox o SET published_at = $2, attempts = o.attempts + 1,
                payload = CASE WHEN ${PAYLOAD_NO_LONGER_NEEDED} THEN NULL ELSE o.payload END
          WHERE o.id = ANY($1::bigint[]) RETURNING o.id),
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

  /** A published message's receipt is now due at `dueAt` (no re-send before then). */
  async setReceiptDue(db: Db, id: string, dueAt: Date): Promise<void> {
    await db.query(
      `UPDATE messages SET receipt_due_at = $2 WHERE id = $1 AND status = 'published'`,
      [id, dueAt],
    );
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
    const { text, parameters } = outboxInsertStatement(entry);
    await db.query(text, parameters);
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
   * nothing is written. Autocommitted ones are group-committed, as inserts are.
   */
  async recordReceivedReceipt(
    r: Omit<NewReceipt, 'direction'>,
    status: MessageStatus,
    from: readonly MessageStatus[],
    audit: readonly AuditEventInput[],
    db?: Db,
  ): Promise<boolean> {
    const item: ReceiptRecord = { receipt: r, status, from, audit };
    return db ? (await this.recordReceipts([item], db))[0] : this.receipts.submit(item);
  }

  private readonly receipts = groupCommit<ReceiptRecord, boolean>(
    (batch) => this.recordReceipts(batch, this.dataSource),
    (item) => Math.max(1, item.audit.length),
    (item) => item.receipt.messageId,
  );

  /** For each receipt of `items`, in order, whether it was the first for its message. */
  private async recordReceipts(items: readonly ReceiptRecord[], db: Db): Promise<boolean[]> {
    const { text, parameters } = recordReceiptsStatement(items);
    const rows = await queryRows<{ message_id: string }>(db, text, parameters);
    const first = new Set(rows.map((row) => row.message_id));
    return items.map((item) => first.has(item.receipt.messageId));
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

/**
 * Group commit for one of the repository's writes (see insertMessage): a batch of distinct
 * messages in one statement, of at most MAX_BATCH_WEIGHT audit entries; if the batch fails, each
 * item is tried alone, so that one item's fault is that item's error only.
 */
function groupCommit<I, R>(
  write: (batch: readonly I[]) => Promise<R[]>,
  weight: (item: I) => number,
  messageId: (item: I) => string,
): GroupCommit<I, R> {
  const alone = (item: I) =>
    write([item]).then(
      ([value]) => ({ ok: true, value }) as const,
      (error: unknown) => ({ ok: false, error }) as const,
    );
  return new GroupCommit<I, R>(
    async (batch) => {
      if (batch.length > 1) {
        try {
          return (await write(batch)).map((value) => ({ ok: true, value }) as const);
        } catch {
          // Below, each alone: the one at fault fails with its own error.
        }
      }
      return Promise.all(batch.map(alone));
    },
    {
      maxBatch: MAX_BATCH_WEIGHT,
      weight,
      canJoin: (batch, item) => !batch.some((other) => messageId(other) === messageId(item)),
    },
  );
}
