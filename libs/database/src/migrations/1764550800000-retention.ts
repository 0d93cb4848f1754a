import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MIG-11.5: retention and destruction. Each message gets a retention row when it is stored
 * (both directions): the information categories it carries (a request's, which its answers
 * take), the rule of `config/retention.yaml` that sets its period, the instant it is due, and a
 * legal hold that suspends destruction. A destroyed message keeps its `messages` row (routing
 * data, digest — what the audit trail and receipts refer to) with when and why it was destroyed;
 * its key (`message_keys`) and ciphertext (`message_contents`) are gone. An outgoing message also
 * records the destruction notice its recipient sent about it. Ids, codes and dates only.
 */
export class Retention1764550800000 implements MigrationInterface {
  name = 'Retention1764550800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages
        ADD COLUMN destroyed_at                 timestamptz,
        ADD COLUMN destroyed_reason             text,  -- a code: retention-expired, or an early-destruction reason
        ADD COLUMN recipient_destroyed_at       timestamptz, -- outgoing: when the recipient destroyed its copy
        ADD COLUMN recipient_destruction_notice uuid,        -- … as its destruction notice (received here) says
        ADD CONSTRAINT messages_destroyed_reason CHECK ((destroyed_at IS NULL) = (destroyed_reason IS NULL))`);
    await q.query(`
      CREATE TABLE message_retention (
        message_id      uuid        PRIMARY KEY REFERENCES messages (id),
        categories      text[]      NOT NULL,  -- MIG-4, MIG-5 codes (a request's, for its answers)
        rule            text        NOT NULL,  -- 'default', 'category:<code>', or 'kept' (no schedule)
        retain_until    timestamptz,           -- due for destruction; NULL: never by the schedule
        held_at         timestamptz,           -- a legal hold: never destroyed while set
        hold_reference  text,                  -- the hold's reference code (a case or order number)
        held_by         text,                  -- the client who put it
        CHECK ((held_at IS NULL) = (hold_reference IS NULL))
      )`);
    await q.query(
      `CREATE INDEX message_retention_due_idx ON message_retention (retain_until) WHERE held_at IS NULL`,
    );
    // Messages stored before retention existed are kept (no due date) until an operator decides.
    await q.query(`
      INSERT INTO message_retention (message_id, categories, rule, retain_until)
      SELECT id, '{}', 'kept', NULL FROM messages`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE message_retention`);
    await q.query(`
      ALTER TABLE messages DROP CONSTRAINT messages_destroyed_reason,
        DROP COLUMN destroyed_at, DROP COLUMN destroyed_reason,
        DROP COLUMN recipient_destroyed_at, DROP COLUMN recipient_destruction_notice`);
  }
}
