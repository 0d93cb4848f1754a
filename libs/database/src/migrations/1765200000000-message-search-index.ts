import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The message search (`GET /v1/messages`, #17) reads newest first, by `(recorded_at, id)`, and
 * resumes after a cursor's position: without an index in that order every page sorts the whole
 * table.
 */
export class MessageSearchIndex1765200000000 implements MigrationInterface {
  name = 'MessageSearchIndex1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX messages_recorded_idx ON messages (recorded_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_recorded_idx`);
  }
}
