import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MIG-11.2, MIG-11.3: every request carries a purpose code, and every answer is bound to it — the
 * request row keeps the code (`requests.purpose`), so each message of the request shows it. The
 * handling restrictions a provider set on a message — in the answer itself or later in a
 * `handling-restriction` message — are recorded as codes, one row per restriction and message
 * that set it (`added_by`); free-text conditions stay in the signed message. A row whose
 * `added_by` message the receiver refused does not count (the views join its status).
 */
export class PurposeBinding1764723600000 implements MigrationInterface {
  name = 'PurposeBinding1764723600000';

  async up(q: QueryRunner): Promise<void> {
    // Null only for requests opened before purposes were codes.
    await q.query(`ALTER TABLE requests ADD COLUMN purpose text`);
    await q.query(`
      CREATE TABLE handling_restrictions (
        message_id   uuid        NOT NULL REFERENCES messages (id), -- the restricted message
        restriction  text        NOT NULL
                     CHECK (restriction IN ('purpose-only', 'no-judicial-use', 'no-onward-transfer')),
        added_by     uuid        NOT NULL REFERENCES messages (id), -- the message that set it
        added_at     timestamptz NOT NULL,
        PRIMARY KEY (message_id, restriction, added_by)
      )`);
    await q.query(
      `CREATE INDEX handling_restrictions_added_by_idx ON handling_restrictions (added_by)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE handling_restrictions`);
    await q.query(`ALTER TABLE requests DROP COLUMN purpose`);
  }
}
