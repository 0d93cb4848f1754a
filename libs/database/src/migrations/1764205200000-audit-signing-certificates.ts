import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which audit-checkpoint certificate signed each checkpoint (#10.3): our own checkpoints, and our
 * cosignatures on the peers' we witnessed. An export then carries every certificate its notes
 * were signed with, so the log stays verifiable after its key is re-issued. Rows from before
 * this migration have none (NULL). Adding a column rewrites no row: the append-only triggers
 * of the AuditLog migration stay as they are, and the application role, which may INSERT on
 * these tables, may insert into the new columns.
 */
export class AuditSigningCertificates1764205200000 implements MigrationInterface {
  name = 'AuditSigningCertificates1764205200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE audit_checkpoints ADD COLUMN certificate bytea REFERENCES audit_certificates (sha256)`,
    );
    await q.query(
      `ALTER TABLE audit_witnessed_checkpoints ADD COLUMN witness_certificate bytea REFERENCES audit_certificates (sha256)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_witnessed_checkpoints DROP COLUMN witness_certificate`);
    await q.query(`ALTER TABLE audit_checkpoints DROP COLUMN certificate`);
  }
}
