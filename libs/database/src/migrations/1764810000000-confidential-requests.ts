import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MIG-11.1: the request row records whether the request is confidential (its body's
 * `confidential: true`), so that its gateway seals every envelope of the exchange without the
 * clear routing header — known from the row, without decrypting anything.
 */
export class ConfidentialRequests1764810000000 implements MigrationInterface {
  name = 'ConfidentialRequests1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests ADD COLUMN confidential boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE requests DROP COLUMN confidential`);
  }
}
