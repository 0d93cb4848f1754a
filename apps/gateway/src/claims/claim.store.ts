import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, type SqlClient } from '@mxg/database';
import type {
  ClaimAdvance,
  ClaimFilter,
  ClaimRecord,
  ClaimSide,
  ClaimState,
  NewClaim,
} from './claim.types';

interface ClaimRow {
  id: string;
  agreement: string;
  side: ClaimSide;
  claim_number: string;
  stay_party: string;
  stay_authority: string;
  residence_party: string;
  residence_authority: string;
  return_act_number: string;
  handover_date: string;
  sent_on: string;
  late: boolean;
  total_usd: string;
  line_count: number;
  state: ClaimState;
  disputed: boolean;
  state_at: Date;
  submitted_at: Date;
  received_at: Date | null;
  received_on: string | null;
  due_on: string | null;
  paid_on: string | null;
  paid_usd: string | null;
  payment_message_id: string | null;
  overdue_recorded_at: Date | null;
}

const date = (column: string) => `to_char(${column}, 'YYYY-MM-DD') AS ${column}`;
const COLUMNS = `id, agreement, side, claim_number, stay_party, stay_authority, residence_party,
  residence_authority, return_act_number, ${date('handover_date')}, ${date('sent_on')}, late,
  total_usd::text AS total_usd, line_count, state, disputed, state_at, submitted_at, received_at,
  ${date('received_on')}, ${date('due_on')}, ${date('paid_on')}, paid_usd::text AS paid_usd,
  payment_message_id, overdue_recorded_at`;

/**
 * The claims register's statements (RET-3.1, RET-4). Writes take the caller's transaction: a
 * claim moves in the unit of work that stores the message moving it, its row locked.
 */
@Injectable()
export class ClaimStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The claim, locked until `db`'s transaction ends: its messages are taken one at a time. */
  async lock(db: SqlClient, id: string): Promise<ClaimRecord | undefined> {
    const [row] = await queryRows<ClaimRow>(
      db,
      `SELECT ${COLUMNS} FROM claims WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row && toRecord(row);
  }

  async find(id: string): Promise<ClaimRecord | undefined> {
    const [row] = await queryRows<ClaimRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM claims WHERE id = $1`,
      [id],
    );
    return row && toRecord(row);
  }

  /**
   * The claim `stayParty` registered under `claimNumber`, if any; first takes a lock on the
   * number until `db`'s transaction ends, so two claims with one number are taken one at a time.
   */
  async lockNumber(
    db: SqlClient,
    stayParty: string,
    claimNumber: string,
  ): Promise<ClaimRecord | undefined> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('claim:' || $1 || ':' || $2))`, [
      stayParty,
      claimNumber,
    ]);
    const [row] = await queryRows<ClaimRow>(
      db,
      `SELECT ${COLUMNS} FROM claims WHERE stay_party = $1 AND claim_number = $2`,
      [stayParty, claimNumber],
    );
    return row && toRecord(row);
  }

  async insert(db: SqlClient, c: NewClaim): Promise<void> {
    await db.query(
      `INSERT INTO claims (id, agreement, side, claim_number, stay_party, stay_authority,
              residence_party, residence_authority, return_act_number, handover_date, sent_on,
              late, total_usd, line_count, state, state_at, submitted_at, received_at,
              received_on, due_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11::date, $12, $13::numeric, $14,
               $15, $16, $16, $17, $18::date, $19::date)
       ON CONFLICT (id) DO NOTHING`,
      [
        c.id,
        c.agreement,
        c.side,
        c.claimNumber,
        c.stay.party,
        c.stay.authority,
        c.residence.party,
        c.residence.authority,
        c.returnActNumber,
        c.handoverDate,
        c.sentOn,
        c.late,
        c.totalUsd,
        c.lineCount,
        c.state,
        c.submittedAt,
        c.due?.receivedAt ?? null,
        c.due?.receivedOn ?? null,
        c.due?.dueOn ?? null,
      ],
    );
  }

  /** A query, reply, dispute or payment moved the claim. */
  async advance(db: SqlClient, id: string, a: ClaimAdvance): Promise<void> {
    await db.query(
      `UPDATE claims SET state = $2, state_at = $3, disputed = disputed OR $4,
              paid_on = COALESCE($5::date, paid_on),
              paid_usd = COALESCE($6::numeric, paid_usd),
              payment_message_id = COALESCE($7::uuid, payment_message_id)
        WHERE id = $1`,
      [
        id,
        a.state,
        a.at,
        a.disputed ?? false,
        a.paidOn ?? null,
        a.paidUsd ?? null,
        a.paymentMessageId ?? null,
      ],
    );
  }

  /** The claim as a replay of its messages made it (`ClaimTracker.rollBack`). */
  async rebuild(
    db: SqlClient,
    id: string,
    a: Required<ClaimAdvance> | ClaimAdvance,
  ): Promise<void> {
    await db.query(
      `UPDATE claims SET state = $2, state_at = $3, disputed = $4, paid_on = $5::date,
              paid_usd = $6::numeric, payment_message_id = $7
        WHERE id = $1`,
      [
        id,
        a.state,
        a.at,
        a.disputed ?? false,
        a.paidOn ?? null,
        a.paidUsd ?? null,
        a.paymentMessageId ?? null,
      ],
    );
  }

  /** A claim its receiver refused: there is no claim (and its number is free again). */
  async remove(db: SqlClient, id: string): Promise<void> {
    await db.query(`DELETE FROM claims WHERE id = $1`, [id]);
  }

  /**
   * RET-4: the receiver's signed receipt states when the documents were received and when
   * payment is due; the sender records them. Idempotent (a redelivered receipt).
   */
  async recordDue(
    id: string,
    due: { receivedAt: Date; receivedOn: string; dueOn: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE claims SET received_at = $2, received_on = $3::date, due_on = $4::date
        WHERE id = $1 AND due_on IS NULL`,
      [id, due.receivedAt, due.receivedOn, due.dueOn],
    );
  }

  /** Claims by `filter`, the newest first. */
  async list(filter: ClaimFilter): Promise<ClaimRecord[]> {
    const rows = await queryRows<ClaimRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM claims
        WHERE ($1::text IS NULL OR stay_authority = $1 OR residence_authority = $1)
          AND ($2::text[] IS NULL OR state = ANY ($2::text[]))
          AND ($3::boolean IS NULL OR disputed = $3)
          AND ($5::jsonb IS NULL OR (due_on IS NOT NULL AND
                (due_on < ($5::jsonb ->> residence_authority)::date) = $6::boolean))
          AND ($7::timestamptz IS NULL OR submitted_at < $7
               OR submitted_at = $7 AND id > $8::uuid)
        ORDER BY submitted_at DESC, id
        LIMIT $4`,
      [
        filter.authority ?? null,
        filter.states ? [...filter.states] : null,
        filter.disputed ?? null,
        filter.limit,
        filter.deadline ? JSON.stringify(filter.deadline.today) : null,
        filter.deadline?.passed ?? false,
        filter.after?.submittedAt ?? null,
        filter.after?.id ?? null,
      ],
    );
    return rows.map(toRecord);
  }

  /**
   * RET-4: open claims with a due date on or before `latestDate` whose passing is not yet
   * audited, locked (others skip them); the caller decides each in its authority's zone.
   */
  async overdueCandidates(
    db: SqlClient,
    latestDate: string,
    limit: number,
  ): Promise<ClaimRecord[]> {
    const rows = await queryRows<ClaimRow>(
      db,
      `SELECT ${COLUMNS} FROM claims
        WHERE state <> 'paid' AND overdue_recorded_at IS NULL AND due_on < $1::date
        ORDER BY due_on, id
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [latestDate, limit],
    );
    return rows.map(toRecord);
  }

  async markOverdueRecorded(db: SqlClient, id: string, at: Date): Promise<void> {
    await db.query(`UPDATE claims SET overdue_recorded_at = $2 WHERE id = $1`, [id, at]);
  }
}

function toRecord(r: ClaimRow): ClaimRecord {
  return {
    id: r.id,
    agreement: r.agreement,
    side: r.side,
    claimNumber: r.claim_number,
    stay: { party: r.stay_party.trim(), authority: r.stay_authority },
    residence: { party: r.residence_party.trim(), authority: r.residence_authority },
    returnActNumber: r.return_act_number,
    handoverDate: r.handover_date,
    sentOn: r.sent_on,
    late: r.late,
    totalUsd: r.total_usd,
    lineCount: r.line_count,
    state: r.state,
    disputed: r.disputed,
    stateAt: r.state_at,
    submittedAt: r.submitted_at,
    receivedAt: r.received_at,
    receivedOn: r.received_on,
    dueOn: r.due_on,
    paidOn: r.paid_on,
    paidUsd: r.paid_usd,
    paymentMessageId: r.payment_message_id,
    overdueRecordedAt: r.overdue_recorded_at,
  };
}
