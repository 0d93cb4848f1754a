import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '@mxg/database';
import type { MessageRecord } from '../exchange.types';
import type { Db } from './exchange-store.types';
import { type MessageRow, toRecord } from './message-row';

/** A message's retention row (MIG-11.5): ids, codes and dates only. */
export interface RetentionRecord {
  readonly categories: readonly string[];
  readonly rule: string;
  readonly retainUntil: Date | null;
  readonly hold: {
    readonly at: Date;
    readonly reference: string;
    readonly by: string | null;
  } | null;
}

/** A message due for destruction, locked for this transaction, with the rule that made it due. */
export interface DueMessage {
  readonly message: MessageRecord;
  readonly rule: string;
}

interface RetentionRow {
  categories: string[];
  rule: string;
  retain_until: Date | null;
  held_at: Date | null;
  hold_reference: string | null;
  held_by: string | null;
}

const toRetention = (r: RetentionRow): RetentionRecord => ({
  categories: r.categories,
  rule: r.rule,
  retainUntil: r.retain_until,
  hold:
    r.held_at === null ? null : { at: r.held_at, reference: r.hold_reference ?? '', by: r.held_by },
});

/**
 * Every SQL statement of retention and destruction (MIG-11.5): the retention rows written when a
 * message is stored (insertMessagesStatement), the schedule's due messages, legal holds, the
 * destruction itself (crypto-shredding: the message's data key and ciphertext erased) and a
 * recipient's destruction notice recorded on the messages it names.
 */
@Injectable()
export class RetentionStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The information categories of a stored message (a request's, which its answers take). */
  async categoriesOf(id: string): Promise<string[]> {
    const [row] = await queryRows<{ categories: string[] }>(
      this.dataSource,
      `SELECT categories FROM message_retention WHERE message_id = $1`,
      [id],
    );
    return row?.categories ?? [];
  }

  async retention(id: string, db: Db = this.dataSource): Promise<RetentionRecord | undefined> {
    const [row] = await queryRows<RetentionRow>(
      db,
      `SELECT * FROM message_retention WHERE message_id = $1`,
      [id],
    );
    return row && toRetention(row);
  }

  /**
   * Messages due at `now`, not held, not destroyed, in a status of `destroyable`, oldest due
   * first — locked (message and retention row) so that another instance skips them and a hold
   * or an early destruction waits for this transaction.
   */
  async claimDue(
    db: Db,
    now: Date,
    limit: number,
    destroyable: readonly string[],
  ): Promise<DueMessage[]> {
    const rows = await queryRows<MessageRow & { retention_rule: string }>(
      db,
      `SELECT m.*, r.rule AS retention_rule
         FROM message_retention r JOIN messages m ON m.id = r.message_id
        WHERE r.retain_until <= $1 AND r.held_at IS NULL AND m.destroyed_at IS NULL
          AND m.status = ANY ($3::text[])
        ORDER BY r.retain_until, r.message_id LIMIT $2
        FOR UPDATE OF r, m SKIP LOCKED`,
      [now, limit, [...destroyable]],
    );
    return rows.map((row) => ({ message: toRecord(row), rule: row.retention_rule }));
  }

  /**
   * The message and its retention row, locked (message first, as every writer here locks
   * them), for a hold, a release or an early destruction.
   */
  async lock(
    db: Db,
    id: string,
  ): Promise<{ message: MessageRecord; retention: RetentionRecord | undefined } | undefined> {
    const [row] = await queryRows<MessageRow>(
      db,
      `SELECT * FROM messages WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!row) return undefined;
    const [retention] = await queryRows<RetentionRow>(
      db,
      `SELECT * FROM message_retention WHERE message_id = $1 FOR UPDATE`,
      [id],
    );
    return { message: toRecord(row), retention: retention && toRetention(retention) };
  }

  /**
   * Crypto-shredding (MIG-11.5): erases the message's data key and its ciphertext (content,
   * signed original, sealed envelope), and any outbox payload or dead letter still holding its
   * envelope; the `messages` row stays, marked destroyed, with its digest for the audit trail.
   * Returns the record, or `undefined` if it was destroyed already.
   */
  async destroy(db: Db, id: string, at: Date, reason: string): Promise<MessageRecord | undefined> {
    const [row] = await queryRows<MessageRow>(
      db,
      // A CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], not rows.
      `WITH u AS (UPDATE messages SET destroyed_at = $2, destroyed_reason = $3
                   WHERE id = $1 AND destroyed_at IS NULL RETURNING *)
       SELECT * FROM u`,
      [id, at, reason],
    );
    if (!row) return undefined;
    await db.query(`DELETE FROM message_keys WHERE message_id = $1`, [id]);
    await db.query(`DELETE FROM message_contents WHERE message_id = $1`, [id]);
    // An envelope or a dead letter not yet published can no longer go out; a published one's
    // payload is no longer needed.
    await db.query(
      `DELETE FROM outbox WHERE message_id = $1 AND kind IN ('envelope', 'dead-letter')
          AND published_at IS NULL`,
      [id],
    );
    await db.query(
      `UPDATE outbox SET payload = NULL
        WHERE message_id = $1 AND kind IN ('envelope', 'dead-letter') AND payload IS NOT NULL`,
      [id],
    );
    // A dead letter of its envelope (a copy refused, e.g. a replay) keeps no bytes of it either;
    // it stays listed, with its code and digest, and can no longer be replayed.
    await db.query(
      `UPDATE dead_letters SET payload = NULL
        WHERE transport_message_id = $1 AND payload IS NOT NULL`,
      [id],
    );
    return toRecord(row);
  }

  /** Puts a legal hold on a message (its retention row made if it had none). */
  async hold(db: Db, id: string, at: Date, reference: string, by: string): Promise<void> {
    await db.query(
      `INSERT INTO message_retention (message_id, categories, rule, retain_until, held_at,
                                      hold_reference, held_by)
       VALUES ($1, '{}', 'kept', NULL, $2, $3, $4)
       ON CONFLICT (message_id) DO UPDATE
         SET held_at = $2, hold_reference = $3, held_by = $4`,
      [id, at, reference, by],
    );
  }

  async release(db: Db, id: string): Promise<void> {
    await db.query(
      `UPDATE message_retention SET held_at = NULL, hold_reference = NULL, held_by = NULL
        WHERE message_id = $1`,
      [id],
    );
  }

  /**
   * The messages among `ids` that authority `from` (of this gateway) sent to `to`: what a
   * destruction notice from `to` may name. Locked, so that the notice is recorded on them once.
   */
  async sentTo(db: Db, ids: readonly string[], from: string, to: string): Promise<MessageRecord[]> {
    const rows = await queryRows<MessageRow>(
      db,
      `SELECT * FROM messages
        WHERE id = ANY ($1::uuid[]) AND direction = 'outgoing'
          AND from_authority = $2 AND to_authority = $3
        ORDER BY id FOR UPDATE`,
      [[...ids], from, to],
    );
    return rows.map(toRecord);
  }

  /** MIG-11.5: the recipient destroyed its copy of `id` at `at`, as notice `notice` says. */
  async recordRecipientDestruction(db: Db, id: string, at: Date, notice: string): Promise<void> {
    await db.query(
      `UPDATE messages SET recipient_destroyed_at = $2, recipient_destruction_notice = $3
        WHERE id = $1 AND recipient_destruction_notice IS NULL`,
      [id, at, notice],
    );
  }
}
