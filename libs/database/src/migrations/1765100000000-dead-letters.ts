import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters an operator can see, replay and discard (#17, README "Dead letters"). Each
 * delivery this gateway refused, or the broker gave up on (the inbox's delivery limit), comes
 * back to it on its dead-letter intake queue and is kept here until a security officer decides:
 *
 * - `source` names the dead-lettering itself (the outbox row that published it, or the broker's
 *   death record), so that a copy taken in twice — the gateway stopped between commit and ack —
 *   is one row, while the same envelope refused again after a replay is a new one;
 * - `payload` is the delivery as received (an encrypted envelope, or garbage: never opened
 *   here), NULL when it was never kept (a delivery refused for its size, #10.9) and once decided:
 *   a discarded one is dropped, a replayed one travels on in the outbox;
 * - code, size and SHA-256 stay for ever (bounded with the table: DEAD_LETTER_BOUND).
 *
 * The outbox learns one more kind, `replay`: a dead letter published again into this gateway's
 * own inbox. And the audit log's event types may have a hyphenated first part
 * (`dead-letter.replayed`).
 */
export class DeadLetters1765100000000 implements MigrationInterface {
  name = 'DeadLetters1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dead_letters (
        id                   uuid        PRIMARY KEY,
        seq                  bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
        source               text        NOT NULL UNIQUE,
        code                 text        NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{1,99}$'),
        layer                text        CHECK (layer ~ '^[a-z][a-z-]{0,31}$'),
        kind                 text        NOT NULL CHECK (kind IN ('envelope', 'receipt')),
        from_party           text        CHECK (from_party ~ '^[A-Z]{2}$'),
        transport_message_id text        CHECK (length(transport_message_id) <= 200),
        size                 bigint      NOT NULL CHECK (size >= 0),
        sha256               text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        payload              bytea,
        -- messageId, type and headers to publish it again with (ids and codes only)
        properties           jsonb       NOT NULL CHECK (jsonb_typeof(properties) = 'object'),
        dead_lettered_at     timestamptz NOT NULL,
        status               text        NOT NULL DEFAULT 'held'
                                         CHECK (status IN ('held', 'replayed', 'discarded')),
        decided_at           timestamptz,
        decided_by           text,
        CHECK ((status = 'held') = (decided_at IS NULL)),
        CHECK ((status = 'held') = (decided_by IS NULL)),
        CHECK (status = 'held' OR payload IS NULL)
      )`);
    await q.query(`CREATE INDEX dead_letters_status_idx ON dead_letters (status, seq)`);
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check`);
    await q.query(`
      ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
        CHECK (kind IN ('envelope', 'receipt', 'dead-letter', 'replay'))`);
    await q.query(`ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_event_type_check`);
    await q.query(`
      ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_event_type_check
        CHECK (event_type ~ '^[a-z]+(-[a-z]+)*(\\.[a-z-]+)+$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    // An audit entry of a dead-letter decision stays: the old check would refuse the log itself.
    await q.query(`DELETE FROM outbox WHERE kind = 'replay'`);
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check`);
    await q.query(`
      ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
        CHECK (kind IN ('envelope', 'receipt', 'dead-letter'))`);
    await q.query(`DROP TABLE dead_letters`);
  }
}
