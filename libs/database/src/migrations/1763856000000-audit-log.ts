import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables of the tamper-evident audit log (MIG-11.3, MIG-11.4, MIG-11.5). */
const APPEND_ONLY_TABLES = [
  'audit_entries',
  'audit_leaves',
  'audit_checkpoints',
  'audit_witness_signatures',
  'audit_witnessed_checkpoints',
  'audit_certificates',
];

/**
 * The audit log, append-only at three levels (a trigger alone is not enough: an owner or superuser
 * can disable triggers):
 *  1. the application role holds no UPDATE, DELETE or TRUNCATE on these tables (revoked below
 *     from every grantee other than the owner, whatever its name: `mxg_kz_app`, `mxg_test_app`…);
 *  2. row and statement triggers reject UPDATE, DELETE and TRUNCATE even for the owner;
 *  3. what a superuser can still do (disable triggers, truncate) is exposed by the Merkle tree and
 *     by the peers' witnessed copies of the signed checkpoints (RFC 6962 §3, c2sp.org/tlog-witness).
 *
 * Writers only INSERT into `audit_entries`, with no sequence number, so appending never
 * serialises message processing; the sequencer assigns gap-free `seq` in `audit_leaves` behind
 * them, in the order the inserting transactions completed (`xid`, see libs/audit's sequencer).
 */
export class AuditLog1763856000000 implements MigrationInterface {
  name = 'AuditLog1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_entries (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        -- The inserting transaction: the sequencer takes entries only once every transaction
        -- that could still add a smaller xid has ended, so none is ever skipped.
        xid             xid8        NOT NULL DEFAULT pg_current_xact_id(),
        recorded_at     timestamptz NOT NULL,
        event_type      text        NOT NULL CHECK (event_type ~ '^[a-z]+(\\.[a-z-]+)+$'),
        actor_authority text        CHECK (actor_authority ~ '^[A-Z]{2}-[A-Z0-9]{2,12}$'),
        actor_role      text,
        actor_user      text,
        message_id      text,
        correlation_id  text,
        parties         text[]      NOT NULL DEFAULT '{}',
        agreement       text,
        content_digest  text        CHECK (content_digest ~ '^sha256:[0-9a-f]{64}$'),
        outcome         text        NOT NULL CHECK (outcome IN ('success', 'failure')),
        error_code      text        CHECK (error_code ~ '^[A-Z][A-Z0-9_]{1,99}$'),
        details         jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
        CHECK ((outcome = 'failure') = (error_code IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX audit_entries_xid_idx ON audit_entries (xid, id)`);
    await q.query(`
      CREATE TABLE audit_leaves (
        seq          bigint      PRIMARY KEY CHECK (seq >= 0),
        entry_id     bigint      NOT NULL UNIQUE REFERENCES audit_entries (id),
        leaf_hash    bytea       NOT NULL CHECK (octet_length(leaf_hash) = 32),
        sequenced_at timestamptz NOT NULL
      )`);
    // What auditors filter on (issue 4: time, party, authority, agreement, ids, event type).
    for (const column of [
      'recorded_at',
      'event_type',
      'actor_authority',
      'agreement',
      'message_id',
      'correlation_id',
    ]) {
      await q.query(`CREATE INDEX audit_entries_${column}_idx ON audit_entries (${column})`);
    }
    await q.query(`CREATE INDEX audit_entries_parties_idx ON audit_entries USING gin (parties)`);
    await q.query(`
      CREATE TABLE audit_checkpoints (
        tree_size bigint      PRIMARY KEY CHECK (tree_size >= 0),
        root_hash bytea       NOT NULL CHECK (octet_length(root_hash) = 32),
        signed_at timestamptz NOT NULL,
        note      text        NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_certificates (
        sha256      bytea       PRIMARY KEY CHECK (octet_length(sha256) = 32),
        key_name    text        NOT NULL,
        pem         text        NOT NULL,
        first_seen  timestamptz NOT NULL
      )`);
    // Our checkpoints as the peers' witnesses countersigned them.
    await q.query(`
      CREATE TABLE audit_witness_signatures (
        tree_size   bigint      NOT NULL REFERENCES audit_checkpoints (tree_size),
        witness     text        NOT NULL,
        note        text        NOT NULL,
        certificate bytea       NOT NULL REFERENCES audit_certificates (sha256),
        received_at timestamptz NOT NULL,
        PRIMARY KEY (tree_size, witness)
      )`);
    // The peers' checkpoints we countersigned: our copy of their history.
    await q.query(`
      CREATE TABLE audit_witnessed_checkpoints (
        origin       text        NOT NULL,
        tree_size    bigint      NOT NULL CHECK (tree_size >= 0),
        root_hash    bytea       NOT NULL CHECK (octet_length(root_hash) = 32),
        signed_at    timestamptz NOT NULL,
        note         text        NOT NULL,
        certificate  bytea       NOT NULL REFERENCES audit_certificates (sha256),
        witnessed_at timestamptz NOT NULL,
        PRIMARY KEY (origin, tree_size)
      )`);

    await q.query(`
      CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'AUDIT_APPEND_ONLY: % on %.% is not allowed: the audit log is append-only (MIG-11.4)',
          TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of APPEND_ONLY_TABLES) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`);
    }
    // Provisioning's default privileges gave the application role UPDATE and DELETE on every new
    // table. Its name differs per database, so revoke from whoever holds them, except the owner.
    await q.query(`
      DO $$
      DECLARE grant_row record;
      BEGIN
        FOR grant_row IN
          SELECT DISTINCT c.relname, a.grantee
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL aclexplode(c.relacl) a
          WHERE n.nspname = current_schema()
            AND c.relname = ANY (ARRAY['${APPEND_ONLY_TABLES.join("','")}'])
            AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
            AND a.grantee <> c.relowner
        LOOP
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %s', grant_row.relname,
            CASE WHEN grant_row.grantee = 0 THEN 'PUBLIC'
                 ELSE quote_ident(pg_get_userbyid(grant_row.grantee)) END);
        END LOOP;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${[...APPEND_ONLY_TABLES].reverse().join(', ')}`);
    await q.query(`DROP FUNCTION audit_reject_change()`);
  }
}
