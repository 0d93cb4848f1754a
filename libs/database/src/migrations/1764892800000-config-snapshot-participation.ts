import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RET-7/8: each snapshot of the treaty configuration keeps the participation dates the gateway
 * computed from it (the depositary's receipt date, the computed start, the day a party left),
 * so the dates a refusal was decided on can be read back later, not only the file's digest.
 * Rows recorded before hold an empty list.
 */
export class ConfigSnapshotParticipation1764892800000 implements MigrationInterface {
  name = 'ConfigSnapshotParticipation1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE config_snapshots ADD COLUMN participation jsonb NOT NULL DEFAULT '[]'::jsonb
         CHECK (jsonb_typeof(participation) = 'array')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE config_snapshots DROP COLUMN participation`);
  }
}
