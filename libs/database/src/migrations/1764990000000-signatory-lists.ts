import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = 'signatory_list_versions';

/**
 * MIG-9.3, MIG-9.4: every version of a competent authority's signatory list this gateway has
 * applied — received in a `signatory-list-update`, or sent in one by its own authority — with the
 * message that carried it. Append-only: the history of who could sign for whom on which day is
 * evidence, so a later version is a new row and none is ever changed or removed. Ids, positions
 * and certificates (public) only: the persons' names stay in the (encrypted) signed message.
 */
export class SignatoryLists1764990000000 implements MigrationInterface {
  name = 'SignatoryLists1764990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ${TABLE} (
        message_id      uuid        PRIMARY KEY REFERENCES messages (id),
        authority       text        NOT NULL, -- whose list (= the message's from.authority)
        to_authority    text        NOT NULL, -- the authority it was sent to
        direction       text        NOT NULL CHECK (direction IN ('sent', 'received')),
        version         integer     NOT NULL CHECK (version > 0),
        effective_from  date        NOT NULL, -- a day in the authority's time zone
        list_sha256     text        NOT NULL CHECK (list_sha256 ~ '^[0-9a-f]{64}$'),
        -- [{id, position: {ru, en}, certificates: [base64 DER]}]
        signatories     jsonb       NOT NULL CHECK (jsonb_typeof(signatories) = 'array'),
        signed_at       timestamptz NOT NULL, -- the inner signing time
        applied_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ${TABLE}_authority_idx ON ${TABLE} (authority, version)`);
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
