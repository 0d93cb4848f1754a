import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Auditor filters that a time range serves well enough; see the migration's comment. */
const RARE_FILTER_INDEXES = [
  ['audit_entries_event_type_idx', 'btree (event_type)'],
  ['audit_entries_actor_authority_idx', 'btree (actor_authority)'],
  ['audit_entries_agreement_idx', 'btree (agreement)'],
  ['audit_entries_parties_idx', 'gin (parties)'],
] as const;

/**
 * Fewer writes per message (README, "End to end": PostgreSQL cost as much CPU per message as a
 * gateway).
 *
 * 1. `audit_entries` drops four of its nine indexes. Every audit event is an insert into every
 *    index, and each message writes five to six events, so the indexes were a large share of the
 *    database's work. Kept: the primary key and `(xid, id)` (the sequencer's scan), `recorded_at`
 *    (every auditor query is bounded by a time range), `message_id` and `correlation_id` (message
 *    timelines and the auditor's most common look-ups). Dropped: `event_type`, `actor_authority`,
 *    `agreement` and the GIN index on `parties`. The trade-off: an auditor query filtering only on
 *    those columns now scans the entries of its time range (or, unbounded, the whole table)
 *    instead of an index — slower for those rare, human-paced queries over a long range, in
 *    exchange for cheaper appends on the path every message takes. Add one back (CREATE INDEX
 *    CONCURRENTLY) if auditors come to rely on such a filter over long ranges.
 * 2. `outbox.payload` may be NULL: an envelope row no longer carries a second copy of the
 *    envelope, which `message_contents.envelope` holds already; the relay reads it from there when
 *    it claims the row. Receipts and dead letters still carry their payload.
 */
export class StorageRoundTrips1764115200000 implements MigrationInterface {
  name = 'StorageRoundTrips1764115200000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name] of RARE_FILTER_INDEXES) await q.query(`DROP INDEX ${name}`);
    await q.query(`ALTER TABLE outbox ALTER COLUMN payload DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE outbox o SET payload = c.envelope FROM message_contents c
       WHERE o.payload IS NULL AND o.kind = 'envelope' AND c.message_id::text = o.message_id`);
    await q.query(`ALTER TABLE outbox ALTER COLUMN payload SET NOT NULL`);
    for (const [name, definition] of RARE_FILTER_INDEXES) {
      const [method, columns] = definition.split(' ');
      await q.query(`CREATE INDEX ${name} ON audit_entries USING ${method} ${columns}`);
    }
  }
}
