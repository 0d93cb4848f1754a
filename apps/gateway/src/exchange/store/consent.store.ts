import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, type SqlClient } from '@mxg/database';
import type {
  ConsentAdvance,
  ConsentFilter,
  ConsentRecord,
  ConsentSide,
  ConsentState,
  ConsentSubject,
  ConsentUse,
  NewConsent,
} from './consent.types';

interface ConsentRow {
  id: string;
  agreement: string;
  side: ConsentSide;
  requester_party: string;
  requester_authority: string;
  provider_party: string;
  provider_authority: string;
  subject_message_ids: string[];
  use: ConsentUse;
  recipient_id: string | null;
  purpose: string | null;
  state: ConsentState;
  state_at: Date;
  requested_at: Date;
  grant_message_id: string | null;
  denial_message_id: string | null;
  revocation_message_id: string | null;
  valid_until: string | null;
}

const COLUMNS = `id, agreement, side, requester_party, requester_authority, provider_party,
  provider_authority, subject_message_ids::text[] AS subject_message_ids, use, recipient_id,
  purpose, state, state_at, requested_at, grant_message_id, denial_message_id,
  revocation_message_id, to_char(valid_until, 'YYYY-MM-DD') AS valid_until`;

/**
 * The consent registry's statements (MIG-11.2, MIG-11.3). Writes take the caller's transaction:
 * a consent moves in the unit of work that stores the message moving it, its row locked.
 */
@Injectable()
export class ConsentStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The consent, locked until `db`'s transaction ends: its messages are taken one at a time. */
  async lock(db: SqlClient, id: string): Promise<ConsentRecord | undefined> {
    const [row] = await queryRows<ConsentRow>(
      db,
      `SELECT ${COLUMNS} FROM consents WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row && toRecord(row);
  }

  async find(id: string): Promise<ConsentRecord | undefined> {
    const [row] = await queryRows<ConsentRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM consents WHERE id = $1`,
      [id],
    );
    return row && toRecord(row);
  }

  async insert(db: SqlClient, c: NewConsent): Promise<void> {
    await db.query(
      `INSERT INTO consents (id, agreement, side, requester_party, requester_authority,
              provider_party, provider_authority, subject_message_ids, use, recipient_id, purpose,
              state, state_at, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9, $10, $11, $12, $13, $13)
       ON CONFLICT (id) DO NOTHING`,
      [
        c.id,
        c.agreement,
        c.side,
        c.requester.party,
        c.requester.authority,
        c.provider.party,
        c.provider.authority,
        c.messages,
        c.use,
        c.recipientId,
        c.purpose,
        c.state,
        c.requestedAt,
      ],
    );
  }

  /** A grant, denial or revocation moved the consent. */
  async advance(db: SqlClient, id: string, a: ConsentAdvance): Promise<void> {
    await db.query(
      `UPDATE consents SET state = $2, state_at = $3,
              grant_message_id = COALESCE($4::uuid, grant_message_id),
              denial_message_id = COALESCE($5::uuid, denial_message_id),
              revocation_message_id = COALESCE($6::uuid, revocation_message_id),
              valid_until = COALESCE($7::date, valid_until)
        WHERE id = $1`,
      [
        id,
        a.state,
        a.at,
        a.grantMessageId ?? null,
        a.denialMessageId ?? null,
        a.revocationMessageId ?? null,
        a.validUntil ?? null,
      ],
    );
  }

  /** The consent as a replay of its messages made it (`ConsentTracker.rollBack`). */
  async rebuild(db: SqlClient, id: string, a: Required<ConsentAdvance>): Promise<void> {
    await db.query(
      `UPDATE consents SET state = $2, state_at = $3, grant_message_id = $4,
              denial_message_id = $5, revocation_message_id = $6, valid_until = $7::date
        WHERE id = $1`,
      [id, a.state, a.at, a.grantMessageId, a.denialMessageId, a.revocationMessageId, a.validUntil],
    );
  }

  /** A consent-request its receiver refused: there is no consent. */
  async remove(db: SqlClient, id: string): Promise<void> {
    await db.query(`DELETE FROM consents WHERE id = $1`, [id]);
  }

  /** The messages a consent-request names, as far as this gateway holds them. */
  async subjects(db: SqlClient, ids: readonly string[]): Promise<ConsentSubject[]> {
    const rows = await queryRows<{
      id: string;
      direction: 'incoming' | 'outgoing';
      agreement: string;
      from_authority: string;
      to_authority: string;
      status: string;
    }>(
      db,
      `SELECT id, direction, agreement, from_authority, to_authority, status
         FROM messages WHERE id = ANY ($1::uuid[])`,
      [[...ids]],
    );
    return rows.map((r) => ({
      id: r.id,
      direction: r.direction,
      agreement: r.agreement,
      fromAuthority: r.from_authority,
      toAuthority: r.to_authority,
      status: r.status,
    }));
  }

  /** Consents in the order they were requested, by `filter` (see ConsentFilter). */
  async list(filter: ConsentFilter): Promise<ConsentRecord[]> {
    const rows = await queryRows<ConsentRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM consents
        WHERE ($1::text IS NULL OR requester_authority = $1 OR provider_authority = $1)
          AND ($2::text IS NULL OR state = $2)
          AND ($3::text IS NULL OR use = $3)
          AND ($4::uuid IS NULL OR subject_message_ids @> ARRAY[$4::uuid])
          AND ($5::timestamptz IS NULL OR (requested_at, id) > ($5::timestamptz, $6::uuid))
        ORDER BY requested_at, id
        LIMIT $7`,
      [
        filter.authority ?? null,
        filter.state ?? null,
        filter.use ?? null,
        filter.message ?? null,
        filter.after?.requestedAt ?? null,
        filter.after?.id ?? null,
        filter.limit,
      ],
    );
    return rows.map(toRecord);
  }

  /**
   * MIG-11.2, MIG-11.3: the consents `authority` asked for (this gateway its requester) that name
   * any of `messages` — the candidates a disclosure is decided from, newest first.
   */
  async askedFor(authority: string, messages: readonly string[]): Promise<ConsentRecord[]> {
    const rows = await queryRows<ConsentRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM consents
        WHERE side = 'requester' AND requester_authority = $1
          AND subject_message_ids && $2::uuid[]
        ORDER BY state_at DESC, id`,
      [authority, [...messages]],
    );
    return rows.map(toRecord);
  }
}

function toRecord(r: ConsentRow): ConsentRecord {
  return {
    id: r.id,
    agreement: r.agreement,
    side: r.side,
    requester: { party: r.requester_party.trim(), authority: r.requester_authority },
    provider: { party: r.provider_party.trim(), authority: r.provider_authority },
    messages: r.subject_message_ids,
    use: r.use,
    recipientId: r.recipient_id,
    purpose: r.purpose,
    state: r.state,
    stateAt: r.state_at,
    requestedAt: r.requested_at,
    grantMessageId: r.grant_message_id,
    denialMessageId: r.denial_message_id,
    revocationMessageId: r.revocation_message_id,
    validUntil: r.valid_until,
  };
}
