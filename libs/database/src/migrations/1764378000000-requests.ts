import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Requests (MIG-8, MIG-9.2, MIG-10): each gateway holds the state of every request it sent or
 * received, so that both refuse a message that does not fit it, and the legal deadline
 * (MIG-10.3) beside the notices that never move it. One row per request; its messages are the
 * `messages` of its conversation (`correlation_id` = the request's id). Ids, codes and dates
 * only — a request's content stays in `message_contents`.
 */
export class Requests1764378000000 implements MigrationInterface {
  name = 'Requests1764378000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE requests (
        id                   uuid        PRIMARY KEY REFERENCES messages (id), -- the request message
        agreement            text        NOT NULL,
        side                 text        NOT NULL CHECK (side IN ('requester', 'requested')), -- this gateway's
        requester_party      char(2)     NOT NULL,
        requester_authority  text        NOT NULL,
        requested_party      char(2)     NOT NULL,
        requested_authority  text        NOT NULL,
        state                text        NOT NULL,
        state_at             timestamptz NOT NULL,
        last_message_id      uuid        NOT NULL REFERENCES messages (id),
        opened_at            timestamptz NOT NULL,
        received_at          timestamptz,          -- MIG-10.3: the requested gateway's receipt time
        received_on          date,                 -- … as the calendar date at the requested authority
        due_on               date,                 -- MIG-10.3: received_on + 30 calendar days
        postponed_until      date,                 -- MIG-10.2: recorded beside the deadline, never moves it
        delay_noticed_at     timestamptz,          -- MIG-10.1: the last delay notice
        closed_at            timestamptz,
        overdue_recorded_at  timestamptz           -- when the deadline's passing was audited
      )`);
    await q.query(`CREATE INDEX requests_due_idx ON requests (due_on) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX requests_requester_idx ON requests (requester_authority, state)`);
    await q.query(`CREATE INDEX requests_requested_idx ON requests (requested_authority, state)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE requests`);
  }
}
