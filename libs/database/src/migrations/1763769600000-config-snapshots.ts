import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The treaty configuration each gateway start ran with, by digest: a change of parties,
 * authorities, agreements or signatory lists (MIG-2, MIG-9.4, MIG-17) leaves a dated trace.
 */
export class ConfigSnapshots1763769600000 implements MigrationInterface {
  name = 'ConfigSnapshots1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_snapshots (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        gateway     text        NOT NULL,
        party       char(2)     NOT NULL,
        digest      char(64)    NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX config_snapshots_gateway_idx ON config_snapshots (gateway, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE config_snapshots`);
  }
}
