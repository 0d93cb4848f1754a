import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every CRL version this gateway has seen, per party, with when it was fetched and from where:
 * the evidence revocation is judged from as of a signature's time, years later (MIG-11.4), so
 * the table only grows — a trigger refuses UPDATE, DELETE and TRUNCATE, and the application
 * role holds neither privilege. The CRL is kept exactly as received (DER); the columns beside
 * it are read from it, for queries and `/health`. Public data: no personal data at all.
 */
export class CrlArchive1764986400000 implements MigrationInterface {
  name = 'CrlArchive1764986400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE crl_archive (
        id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        party       text        NOT NULL CHECK (party ~ '^[A-Z][A-Z0-9]{1,15}$'),
        crl_number  numeric     CHECK (crl_number >= 0), -- RFC 5280 §5.2.3: up to 20 octets
        this_update timestamptz NOT NULL,
        next_update timestamptz,
        der         bytea       NOT NULL,
        sha256      bytea       NOT NULL CHECK (octet_length(sha256) = 32),
        fetched_at  timestamptz NOT NULL,
        source      text        NOT NULL CHECK (length(source) BETWEEN 1 AND 2048),
        UNIQUE (party, sha256)
      )`);
    await q.query(`CREATE INDEX crl_archive_party_idx ON crl_archive (party, this_update)`);
    await q.query(`
      CREATE FUNCTION crl_archive_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'CRL_ARCHIVE_APPEND_ONLY: % on %.% is not allowed: archived CRLs are evidence (MIG-11.4)',
          TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER crl_archive_append_only BEFORE UPDATE OR DELETE ON crl_archive
        FOR EACH ROW EXECUTE FUNCTION crl_archive_reject_change()`);
    await q.query(`
      CREATE TRIGGER crl_archive_no_truncate BEFORE TRUNCATE ON crl_archive
        FOR EACH STATEMENT EXECUTE FUNCTION crl_archive_reject_change()`);
    // Provisioning's default privileges gave the application role UPDATE and DELETE on every new
    // table; its name differs per database, so revoke from whoever holds them, except the owner.
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
            AND c.relname = 'crl_archive'
            AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
            AND a.grantee <> c.relowner
        LOOP
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON crl_archive FROM %s',
            CASE WHEN grant_row.grantee = 0 THEN 'PUBLIC'
                 ELSE quote_ident(pg_get_userbyid(grant_row.grantee)) END);
        END LOOP;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE crl_archive`);
    await q.query(`DROP FUNCTION crl_archive_reject_change()`);
  }
}
