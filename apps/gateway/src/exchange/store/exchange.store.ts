import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MessageType } from '@mxg/config';
import { DataSource, type EntityManager } from 'typeorm';
import { GroupCommit, isUuid } from '@mxg/core';
import { queryRows } from '@mxg/database';
import {
  AtRestError,
  type DataKeyWrapper,
  isEncryptedColumn,
  openMessageContent,
  sealMessageContent,
} from '@mxg/envelope';
import { fromStatuses, type MessageTrigger } from '@mxg/lifecycle';
import { DATA_KEY_WRAPPER } from '../../envelope/envelope.constants';
import type { MessageRecord, OutboxProperties, OutboxRow } from '../exchange.types';
import type {
  Db,
  MessageContent,
  MessageInsert,
  NewMessage,
  NewOutboxEntry,
  NewReceipt,
  ReceiptRecord,
  ReceiptTrigger,
  RequestDue,
  SealedInsert,
  StatusChange,
  StoredReceipt,
  TransitionAuditEntry,
  WithNewMessage,
} from './exchange-store.types';
import { insertMessagesStatement } from './insert-messages.statement';
import { encryptLegacyContentStatement, LEGACY_CONTENT_SELECT } from './legacy-content.statements';
import { markPublishedStatement } from './mark-published.statement';
import { MAX_BATCH_WEIGHT, messageGroupCommit } from './message-group-commit';
import { type MessageRow, toRecord } from './message-row';
import { moveMessageStatement } from './move-message.statement';
import { outboxInsertStatement } from './outbox-insert.statement';
import { recordReceiptsStatement } from './record-receipts.statement';

/**
 * Every SQL statement of the exchange and its unit of work, and the only door to message content:
 * content and signed original are written encrypted under a data key of their message's own and
 * read back decrypted (MIG-11.4, content-cipher.ts in @mxg/envelope). Returns domain records,
 * never ORM entities. A status moves only by a trigger of the lifecycle table (@mxg/lifecycle), which
 * gives the statement its from-statuses, target and audit event.
 */
@Injectable()
export class ExchangeStore {
  private readonly logger = new Logger(ExchangeStore.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATA_KEY_WRAPPER) private readonly keys: DataKeyWrapper,
  ) {}

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

  private readonly inserts = messageGroupCommit<MessageInsert, MessageRecord | undefined>(
    (batch) => this.insertMessages(batch, this.dataSource),
    (item) => Math.max(1, item.also.audit?.length ?? 0),
    (item) => item.message.header.id,
  );

  /** The records `items` inserted, in their order; `undefined` for each one that existed. */
  private async insertMessages(
    items: readonly MessageInsert[],
    db: Db,
  ): Promise<(MessageRecord | undefined)[]> {
    // Each message under a fresh data key, wrapped by the KEK (MIG-11.4); the key row goes into
    // the same statement as the message, so neither exists without the other.
    const sealed: SealedInsert[] = await Promise.all(
      items.map(async (item) => ({
        ...item,
        sealed: await sealMessageContent(this.keys, item.message.header.id, item.message),
      })),
    );
    const { text, parameters } = insertMessagesStatement(sealed);
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

  /** Every message of `type` received here and not refused, in the order they were stored. */
  async receivedOfType(type: MessageType): Promise<MessageRecord[]> {
    const rows = await queryRows<MessageRow>(
      this.dataSource,
      `SELECT * FROM messages WHERE direction = 'incoming' AND type = $1 ORDER BY recorded_at, id`,
      [type],
    );
    return rows.map(toRecord);
  }

  /** The messages of one conversation (a request and its answers, MIG-8), as they were stored. */
  async conversation(correlationId: string): Promise<MessageRecord[]> {
    const rows = await queryRows<MessageRow>(
      this.dataSource,
      `SELECT * FROM messages WHERE correlation_id = $1 ORDER BY recorded_at, id`,
      [correlationId],
    );
    return rows.map(toRecord);
  }

  async findByIdempotencyKey(client: string, key: string): Promise<MessageRecord | undefined> {
    const [row] = await queryRows<MessageRow>(
      this.dataSource,
      `SELECT * FROM messages WHERE submitted_by = $1 AND idempotency_key = $2`,
      [client, key],
    );
    return row && toRecord(row);
  }

  /**
   * A message's content, decrypted (MIG-11.4): `undefined` when there is no such message;
   * `destroyed` when its content or its data key is gone (crypto-shredding, MIG-11.5). A
   * ciphertext or wrapped key that fails its integrity check throws AtRestError
   * (CONTENT_AUTHENTICATION_FAILED, DATA_KEY_UNWRAP_FAILED, KEK_UNKNOWN …): never returned as content.
   * A row from before encryption (no key row, not in the encrypted format) is returned as it is
   * until LegacyContentEncryption has encrypted it.
   */
  async content(id: string, db: Db = this.dataSource): Promise<MessageContent | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await queryRows<{
      stored: boolean;
      content: Buffer | null;
      signed: Buffer | null;
      envelope: Buffer | null;
      kek: string | null;
      wrapped: Buffer | null;
    }>(
      db,
      `SELECT c.message_id IS NOT NULL AS stored, c.content, c.signed, c.envelope, k.kek, k.wrapped
         FROM messages m
         LEFT JOIN message_contents c ON c.message_id = m.id
         LEFT JOIN message_keys k ON k.message_id = m.id
        WHERE m.id = $1`,
      [id],
    );
    if (!row) return undefined;
    if (!row.stored || row.content === null || row.signed === null) return { state: 'destroyed' };
    const { content, signed, envelope } = row;
    if (row.kek === null || row.wrapped === null) {
      // Encrypted, and its key is gone: shredded. Plaintext: stored before encryption.
      if (isEncryptedColumn(content) || isEncryptedColumn(signed)) return { state: 'destroyed' };
      return { state: 'available', content, signed, envelope };
    }
    try {
      const key = { kek: row.kek, wrapped: row.wrapped };
      const opened = await openMessageContent(this.keys, id, { content, signed }, key);
      return { state: 'available', ...opened, envelope };
    } catch (error) {
      if (error instanceof AtRestError) {
        this.logger.error(`stored content of message ${id} cannot be read: ${error.code}`);
      }
      throw error;
    }
  }

  /**
   * Encrypts, in one transaction, up to `limit` rows of `message_contents` stored before content
   * was encrypted (no key row, not in the encrypted format), each under a new data key whose
   * wrapped form is inserted beside it. Rows another instance has locked are skipped (SKIP
   * LOCKED), and a row whose key row exists by then is left alone (the key row's primary key
   * decides), so instances may run this at once. Returns how many rows it took: 0 when none is
   * left.
   */
  async encryptLegacyContents(limit: number): Promise<number> {
    return this.dataSource.transaction(async (db) => {
      const rows = await queryRows<{ message_id: string; content: Buffer; signed: Buffer }>(
        db,
        LEGACY_CONTENT_SELECT,
        [limit],
      );
      for (const row of rows) {
        // Read through a lock taken after another instance committed: already encrypted.
        if (isEncryptedColumn(row.content) || isEncryptedColumn(row.signed)) continue;
        const sealed = await sealMessageContent(this.keys, row.message_id, row);
        const { text, parameters } = encryptLegacyContentStatement(row.message_id, sealed);
        await db.query(text, parameters);
      }
      return rows.length;
    });
  }

  /**
   * Received messages addressed to an authority that its national system has not yet taken (a
   * status the `acknowledge` trigger moves from), in one strict total order — (recorded_at, id) —
   * after the message `after` if given (the last one of the previous page). Messages recorded in
   * the same instant are neither skipped nor repeated across pages. `undefined` if `after` is no
   * message received for the authority.
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
        WHERE direction = 'incoming' AND status = ANY ($4::text[]) AND to_authority = $1
          AND ($3::uuid IS NULL OR (recorded_at, id) > (
            SELECT recorded_at, id FROM messages
             WHERE id = $3 AND direction = 'incoming' AND to_authority = $1))
        ORDER BY recorded_at, id LIMIT $2`,
      [authority, limit, after ?? null, [...fromStatuses('acknowledge')]],
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

  /**
   * Makes the transition `trigger` names in the lifecycle table, if the message's status is one
   * it moves from, with `change` — and writes `change.audit`, as the table's audit event, in the
   * same statement, only if the message moved. Returns the record, if moved.
   */
  async move(
    db: Db,
    id: string,
    trigger: MessageTrigger,
    at: Date,
    change: StatusChange = {},
  ): Promise<MessageRecord | undefined> {
    const { text, parameters } = moveMessageStatement({ id, trigger, at, change });
    const [row] = await queryRows<MessageRow>(db, text, parameters);
    return row && toRecord(row);
  }

  /**
   * A relay batch went out, in one statement (markPublishedStatement): its outbox rows are
   * published, and each envelope's message makes the `publish` transition where the lifecycle
   * table allows it. Returns every envelope's message.
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
    const { text, parameters } = markPublishedStatement(rows, at, timeoutSeconds);
    const moved = await queryRows<MessageRow>(db, text, parameters);
    return moved.map(toRecord);
  }

  /**
   * A message still awaiting its receipt (a status `resend` moves from) is not overdue before
   * `dueAt` (no re-send before then).
   */
  async setReceiptDue(db: Db, id: string, dueAt: Date): Promise<void> {
    await db.query(
      `UPDATE messages SET receipt_due_at = $2 WHERE id = $1 AND status = ANY ($3::text[])`,
      [id, dueAt, [...fromStatuses('resend')]],
    );
  }

  /**
   * Messages awaiting a receipt (a status `resend` moves from) that is overdue; locked so that
   * one instance handles each.
   */
  async overdue(db: Db, now: Date, limit: number): Promise<MessageRecord[]> {
    const rows = await queryRows<MessageRow>(
      db,
      `SELECT * FROM messages WHERE status = ANY ($3::text[]) AND receipt_due_at <= $1
        ORDER BY receipt_due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit, [...fromStatuses('resend')]],
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
   * it is the first — makes the message's `trigger` transition (its receipt no longer due) and
   * writes `audit` as the transition's event (recorded at `r.at`). `false` for a receipt recorded
   * already: then nothing else is written but `requestDue`, the request's deadline (MIG-10.3),
   * which any copy records on the request the message opened unless it is recorded already.
   * Autocommitted ones are group-committed, as inserts are.
   */
  async recordReceivedReceipt(
    r: Omit<NewReceipt, 'direction'>,
    trigger: ReceiptTrigger,
    audit: readonly TransitionAuditEntry[],
    requestDue?: RequestDue,
    db?: Db,
  ): Promise<boolean> {
    const item: ReceiptRecord = { receipt: r, trigger, audit, requestDue };
    return db ? (await this.recordReceipts([item], db))[0] : this.receipts.submit(item);
  }

  private readonly receipts = messageGroupCommit<ReceiptRecord, boolean>(
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
  ): Promise<StoredReceipt | undefined> {
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
