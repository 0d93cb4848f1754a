import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, type SqlClient } from '@mxg/database';
import type { RequestState } from '@mxg/lifecycle';
import type { RequestFilter, RequestRecord, RequestSide } from './request.types';

interface RequestRow {
  id: string;
  agreement: string;
  side: RequestSide;
  requester_party: string;
  requester_authority: string;
  requested_party: string;
  requested_authority: string;
  purpose: string | null;
  confidential: boolean;
  state: RequestState;
  state_at: Date;
  last_message_id: string;
  opened_at: Date;
  received_at: Date | null;
  received_on: string | null;
  due_on: string | null;
  postponed_until: string | null;
  delay_noticed_at: Date | null;
  closed_at: Date | null;
  overdue_recorded_at: Date | null;
}

/** A message moved the request: its new state, and what the message records beside it. */
export interface RequestAdvance {
  readonly state: RequestState;
  readonly at: Date;
  readonly messageId: string;
  readonly closed: boolean;
  /** MIG-10.2: a postponement's until-date. */
  readonly postponedUntil?: string;
  /** MIG-10.1: a delay notice. */
  readonly delayNoticed?: boolean;
}

const DATE = (column: string) => `to_char(${column}, 'YYYY-MM-DD') AS ${column}`;
const COLUMNS = `id, agreement, side, requester_party, requester_authority, requested_party,
  requested_authority, purpose, confidential, state, state_at, last_message_id, opened_at, received_at,
  ${DATE('received_on')}, ${DATE('due_on')}, ${DATE('postponed_until')}, delay_noticed_at,
  closed_at, overdue_recorded_at`;

/**
 * The exchange's statements about requests (a request opens in the statement that stores its
 * message, `insertMessagesStatement`). Writes take the caller's transaction: a request moves in
 * the same unit of work that stores the message moving it, so the two never disagree.
 */
@Injectable()
export class RequestStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The request, locked until `db`'s transaction ends: messages for it are taken one at a time. */
  async lock(db: SqlClient, id: string): Promise<RequestRecord | undefined> {
    const [row] = await queryRows<RequestRow>(
      db,
      `SELECT ${COLUMNS} FROM requests WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row && toRecord(row);
  }

  async find(id: string): Promise<RequestRecord | undefined> {
    const [row] = await queryRows<RequestRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM requests WHERE id = $1`,
      [id],
    );
    return row && toRecord(row);
  }

  async advance(db: SqlClient, id: string, a: RequestAdvance): Promise<void> {
    await db.query(
      `UPDATE requests SET state = $2, state_at = $3::timestamptz, last_message_id = $4,
              closed_at = CASE WHEN $5::boolean THEN $3::timestamptz END,
              postponed_until = COALESCE($6::date, postponed_until),
              delay_noticed_at = CASE WHEN $7::boolean THEN $3::timestamptz ELSE delay_noticed_at END
        WHERE id = $1`,
      [id, a.state, a.at, a.messageId, a.closed, a.postponedUntil ?? null, a.delayNoticed ?? false],
    );
  }

  /**
   * The request as a replay of its messages made it (`RequestTracker.rollBack`): every field a
   * message sets, set again — a refused postponement no longer counts, for one.
   */
  async rebuild(
    db: SqlClient,
    id: string,
    r: {
      state: RequestState;
      stateAt: Date;
      lastMessageId: string;
      closedAt: Date | null;
      postponedUntil: string | null;
      delayNoticedAt: Date | null;
    },
  ): Promise<void> {
    await db.query(
      `UPDATE requests SET state = $2, state_at = $3, last_message_id = $4, closed_at = $5,
              postponed_until = $6::date, delay_noticed_at = $7
        WHERE id = $1`,
      [id, r.state, r.stateAt, r.lastMessageId, r.closedAt, r.postponedUntil, r.delayNoticedAt],
    );
  }

  /** A request whose opening message its receiver refused: there is no request. */
  async remove(db: SqlClient, id: string): Promise<void> {
    await db.query(`DELETE FROM requests WHERE id = $1`, [id]);
  }

  /**
   * Requests of `filter.authority`, soonest due first. `overdue` compares each due date with the
   * date at its requested authority, given for every authority in `today` (MIG-10.3).
   */
  /** The authority's requests, soonest due first (undated last), then oldest, then by id. */
  async list(filter: RequestFilter, today: ReadonlyMap<string, string>): Promise<RequestRecord[]> {
    const rows = await queryRows<RequestRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM requests
        WHERE (requester_authority = $1 AND ($2::text IS NULL OR $2 = 'requester')
               OR requested_authority = $1 AND ($2::text IS NULL OR $2 = 'requested'))
          AND ($3::text IS NULL OR state = $3)
          AND ($4::date IS NULL OR due_on <= $4)
          AND ($5::boolean IS NULL OR $5 = COALESCE(closed_at IS NULL AND due_on < (
                SELECT t.today FROM unnest($6::text[], $7::date[]) AS t (authority, today)
                 WHERE t.authority = requested_authority), false))
          AND ($9::uuid IS NULL OR (COALESCE(due_on, 'infinity'), opened_at, id) > (
                SELECT COALESCE(p.due_on, 'infinity'), p.opened_at, p.id FROM requests p
                 WHERE p.id = $9))
        ORDER BY COALESCE(due_on, 'infinity'), opened_at, id
        LIMIT $8`,
      [
        filter.authority,
        filter.role ?? null,
        filter.state ?? null,
        filter.dueBefore ?? null,
        filter.overdue ?? null,
        [...today.keys()],
        [...today.values()],
        filter.limit,
        filter.after ?? null,
      ],
    );
    return rows.map(toRecord);
  }

  /**
   * Open requests due before `latestLocalDate` whose passing is not yet audited — candidates:
   * the caller decides at each requested authority's own date. Locked, so one instance audits each.
   */
  async overdueCandidates(
    db: SqlClient,
    latestLocalDate: string,
    limit: number,
  ): Promise<RequestRecord[]> {
    const rows = await queryRows<RequestRow>(
      db,
      `SELECT ${COLUMNS} FROM requests
        WHERE closed_at IS NULL AND overdue_recorded_at IS NULL AND due_on < $1
        ORDER BY due_on, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [latestLocalDate, limit],
    );
    return rows.map(toRecord);
  }

  async markOverdueRecorded(db: SqlClient, id: string, at: Date): Promise<void> {
    await db.query(`UPDATE requests SET overdue_recorded_at = $2 WHERE id = $1`, [id, at]);
  }
}

function toRecord(r: RequestRow): RequestRecord {
  return {
    id: r.id,
    agreement: r.agreement,
    side: r.side,
    requester: { party: r.requester_party.trim(), authority: r.requester_authority },
    requested: { party: r.requested_party.trim(), authority: r.requested_authority },
    purpose: r.purpose,
    confidential: r.confidential,
    state: r.state,
    stateAt: r.state_at,
    lastMessageId: r.last_message_id,
    openedAt: r.opened_at,
    receivedAt: r.received_at,
    receivedOn: r.received_on,
    dueOn: r.due_on,
    postponedUntil: r.postponed_until,
    delayNoticedAt: r.delay_noticed_at,
    closedAt: r.closed_at,
    overdueRecordedAt: r.overdue_recorded_at,
  };
}
