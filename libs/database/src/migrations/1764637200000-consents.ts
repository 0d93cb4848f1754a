import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent registry (MIG-11.2, MIG-11.3), on both gateways: every consent asked for, granted,
 * denied or revoked between an authority that received information (the requester) and the
 * one that provided it (the provider). One row per consent; its id is the consent-request's
 * message id, its messages the conversation of that id. Ids, codes and dates only — the
 * justification and the conditions stay in the (encrypted) signed messages.
 */
export class Consents1764637200000 implements MigrationInterface {
  name = 'Consents1764637200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consents (
        id                     uuid        PRIMARY KEY REFERENCES messages (id), -- the consent-request
        agreement              text        NOT NULL,
        side                   text        NOT NULL CHECK (side IN ('requester', 'provider')), -- this gateway's
        requester_party        char(2)     NOT NULL,
        requester_authority    text        NOT NULL,
        provider_party         char(2)     NOT NULL,
        provider_authority     text        NOT NULL,
        subject_message_ids    uuid[]      NOT NULL CHECK (cardinality(subject_message_ids) > 0),
        use                    text        NOT NULL CHECK (use IN ('onward-transfer', 'new-purpose')),
        recipient_id           text,       -- the third party's organisation code (onward-transfer)
        purpose                text,       -- a code of vocabulary.purposes (new-purpose)
        state                  text        NOT NULL
                               CHECK (state IN ('requested', 'granted', 'denied', 'revoked')),
        state_at               timestamptz NOT NULL,
        requested_at           timestamptz NOT NULL,
        grant_message_id       uuid        REFERENCES messages (id),
        denial_message_id      uuid        REFERENCES messages (id),
        revocation_message_id  uuid        REFERENCES messages (id),
        valid_until            date        -- the grant's last day, at the provider authority
      )`);
    await q.query(`CREATE INDEX consents_subjects_idx ON consents USING gin (subject_message_ids)`);
    await q.query(`CREATE INDEX consents_requester_idx ON consents (requester_authority, state)`);
    await q.query(`CREATE INDEX consents_provider_idx ON consents (provider_authority, state)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consents`);
  }
}
