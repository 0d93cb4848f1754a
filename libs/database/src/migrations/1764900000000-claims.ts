import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The RET claims register (RET-3.1, RET-3.2, RET-4), on both gateways: every reimbursement claim
 * this gateway sent (side `stay`) or received (side `residence`), its state, the late flag, the
 * payment deadline from the receiver's signed receipt and the payment. One row per claim; its id
 * is the reimbursement-claim's message id, its messages the conversation of that id. Ids, codes,
 * dates and amounts only — never the minor's or the representatives' names: those stay in the
 * (encrypted) signed message.
 */
export class Claims1764900000000 implements MigrationInterface {
  name = 'Claims1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE claims (
        id                    uuid        PRIMARY KEY REFERENCES messages (id), -- the reimbursement-claim
        agreement             text        NOT NULL,
        side                  text        NOT NULL CHECK (side IN ('stay', 'residence')), -- this gateway's
        claim_number          text        NOT NULL,
        stay_party            char(2)     NOT NULL, -- where the minor stayed: claims (RET-3.1)
        stay_authority        text        NOT NULL,
        residence_party       char(2)     NOT NULL, -- the minor's state of residence: pays (RET-4)
        residence_authority   text        NOT NULL,
        return_act_number     text        NOT NULL,
        handover_date         date        NOT NULL, -- the return (RET-3.1)
        sent_on               date        NOT NULL, -- the sender authority's date of createdAt
        late                  boolean     NOT NULL, -- sent more than 15 days after the return (RET-3.2)
        total_usd             numeric     NOT NULL CHECK (total_usd >= 0), -- «Итого» (RET-2, RET-3.6)
        line_count            integer     NOT NULL CHECK (line_count > 0),
        state                 text        NOT NULL
                              CHECK (state IN ('submitted', 'queried', 'disputed', 'paid')),
        disputed              boolean     NOT NULL DEFAULT false,
        state_at              timestamptz NOT NULL,
        submitted_at          timestamptz NOT NULL,
        received_at           timestamptz,          -- the receiver's signed receipt
        received_on           date,                 -- its date at the residence authority (RET-4)
        due_on                date,                 -- received_on + 30 days (RET-4)
        paid_on               date,
        paid_usd              numeric,
        payment_message_id    uuid        REFERENCES messages (id),
        overdue_recorded_at   timestamptz,          -- when the deadline's passing was audited
        CHECK ((received_on IS NULL) = (due_on IS NULL))
      )`);
    // A claim number is the claiming state's: a second claim with it is refused.
    await q.query(`CREATE UNIQUE INDEX claims_number_idx ON claims (stay_party, claim_number)`);
    await q.query(`CREATE INDEX claims_stay_idx ON claims (stay_authority, state)`);
    await q.query(`CREATE INDEX claims_residence_idx ON claims (residence_authority, state)`);
    await q.query(
      `CREATE INDEX claims_overdue_idx ON claims (due_on)
        WHERE state <> 'paid' AND overdue_recorded_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE claims`);
  }
}
