import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MIG-11.5: destroying a message also drops the kept bytes of its dead letters (a refused copy of
 * its envelope still holds its content, encrypted to this gateway). They are found by the
 * envelope's transport message id; only those still holding bytes are indexed.
 */
export class DeadLetterMessageIndex1765300000000 implements MigrationInterface {
  name = 'DeadLetterMessageIndex1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX dead_letters_kept_message_idx ON dead_letters (transport_message_id)
        WHERE payload IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX dead_letters_kept_message_idx`);
  }
}
