import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The exchange (issue 5): messages in both directions, their signed content, the outbox the
 * relay publishes from, and signed receipts. Content lives in its own table behind one
 * repository, so that per-message encryption and crypto-shredding (MIG-11.5) can come without
 * touching the rest. Routing columns hold ids and codes only — never personal data.
 */
export class Exchange1764028800000 implements MigrationInterface {
  name = 'Exchange1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE messages (
        id               uuid        PRIMARY KEY, -- the MXG message id: one row, however often it arrives
        direction        text        NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
        type             text        NOT NULL,
        agreement        text        NOT NULL,
        from_party       char(2)     NOT NULL,
        from_authority   text        NOT NULL,
        to_party         char(2)     NOT NULL,
        to_authority     text        NOT NULL,
        correlation_id   uuid        NOT NULL,
        in_reply_to      uuid,
        digest           text        NOT NULL CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
        signatory_id     text        NOT NULL,
        created_at       timestamptz NOT NULL,
        recorded_at      timestamptz NOT NULL,
        status           text        NOT NULL CHECK (status IN
                           ('accepted', 'published', 'delivered', 'rejected', 'failed',
                            'received', 'acknowledged')),
        status_code      text,
        status_at        timestamptz NOT NULL,
        attempts         integer     NOT NULL DEFAULT 0,
        receipt_due_at   timestamptz,
        submitted_by     text,
        idempotency_key  text,
        request_digest   text,
        CHECK ((direction = 'outgoing') = (status IN ('accepted', 'published', 'delivered', 'rejected', 'failed')))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX messages_idempotency_idx ON messages (submitted_by, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX messages_inbox_idx ON messages (to_authority, recorded_at) WHERE direction = 'incoming' AND status = 'received'`,
    );
    await q.query(
      `CREATE INDEX messages_receipt_due_idx ON messages (receipt_due_at) WHERE status = 'published'`,
    );
    await q.query(`CREATE INDEX messages_correlation_idx ON messages (correlation_id)`);
    await q.query(`
      CREATE TABLE message_contents (
        message_id   uuid  PRIMARY KEY REFERENCES messages (id),
        content      bytea NOT NULL, -- the canonical message the signatory signed
        signed       bytea NOT NULL, -- the signatory's SignedData (MIG-9.3 evidence)
        envelope     bytea           -- outgoing: the sealed, encrypted envelope as sent
      )`);
    await q.query(`
      CREATE TABLE receipts (
        message_id   uuid        NOT NULL REFERENCES messages (id),
        direction    text        NOT NULL CHECK (direction IN ('sent', 'received')),
        status       text        NOT NULL CHECK (status IN ('accepted', 'rejected')),
        code         text,
        signed       bytea       NOT NULL, -- the receipt, sealed by the receiving gateway
        recorded_at  timestamptz NOT NULL,
        PRIMARY KEY (message_id, direction)
      )`);
    await q.query(`
      CREATE TABLE outbox (
        id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id    text        NOT NULL,
        kind          text        NOT NULL CHECK (kind IN ('envelope', 'receipt', 'dead-letter')),
        exchange      text        NOT NULL,
        routing_key   text        NOT NULL,
        payload       bytea       NOT NULL,
        properties    jsonb       NOT NULL,
        created_at    timestamptz NOT NULL,
        available_at  timestamptz NOT NULL,
        attempts      integer     NOT NULL DEFAULT 0,
        published_at  timestamptz,
        last_error    text
      )`);
    await q.query(
      `CREATE INDEX outbox_pending_idx ON outbox (available_at, id) WHERE published_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox, receipts, message_contents, messages`);
  }
}
