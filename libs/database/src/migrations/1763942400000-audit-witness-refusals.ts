import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = 'audit_witness_refusals';

/**
 * Signed checkpoints of a peer's log that our witness refused because they do not extend what it
 * countersigned before (issue 4, witnessing). A refusal is the alarm the witness exists for, and
 * the refused note — signed by the peer's own audit key — is the evidence that its log forked or
 * was rewritten, so it is kept, append-only like the rest of the audit log (see AuditLog
 * migration): only checkpoints whose log signature verified are stored, so an unauthenticated
 * caller of `POST /audit/witness` cannot fill this table with anything but the peer's own words.
 */
export class AuditWitnessRefusals1763942400000 implements MigrationInterface {
  name = 'AuditWitnessRefusals1763942400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ${TABLE} (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        origin          text        NOT NULL,
        tree_size       bigint      NOT NULL CHECK (tree_size >= 0),
        root_hash       bytea       NOT NULL CHECK (octet_length(root_hash) = 32),
        signed_at       timestamptz NOT NULL,
        -- The log's signed note exactly as submitted; its SHA-256 makes a replay one row.
        note            text        NOT NULL,
        note_sha256     bytea       NOT NULL UNIQUE CHECK (octet_length(note_sha256) = 32),
        certificate     bytea       NOT NULL REFERENCES audit_certificates (sha256),
        -- What the log claimed: the size its consistency proof starts at, and the proof.
        old_size        bigint      NOT NULL CHECK (old_size >= 0),
        consistency     bytea[]     NOT NULL,
        -- What we had countersigned last, which the checkpoint failed to extend.
        last_seen_size  bigint      NOT NULL CHECK (last_seen_size >= 0),
        last_seen_root  bytea       CHECK (octet_length(last_seen_root) = 32),
        reason          text        NOT NULL CHECK (reason ~ '^[a-z]+(-[a-z]+)*$'),
        refused_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ${TABLE}_origin_idx ON ${TABLE} (origin, refused_at)`);
    // audit_reject_change() comes with the AuditLog migration.
    await q.query(`
      CREATE TRIGGER ${TABLE}_append_only BEFORE UPDATE OR DELETE ON ${TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`);
    await q.query(`
      CREATE TRIGGER ${TABLE}_no_truncate BEFORE TRUNCATE ON ${TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`);
    // Provisioning's default privileges gave every grantee UPDATE and DELETE; take them back from
    // all but the owner, whatever the application role is called in this database.
    await q.query(`
      DO $$
      DECLARE grant_row record;
      BEGIN
        FOR grant_row IN
          SELECT DISTINCT a.grantee
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL aclexplode(c.relacl) a
          WHERE n.nspname = current_schema()
            AND c.relname = '${TABLE}'
            AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
            AND a.grantee <> c.relowner
        LOOP
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON ${TABLE} FROM %s',
            CASE WHEN grant_row.grantee = 0 THEN 'PUBLIC'
                 ELSE quote_ident(pg_get_userbyid(grant_row.grantee)) END);
        END LOOP;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${TABLE}`);
  }
}
