import { auditEntriesJoining, type AuditEventInput } from '@mxg/audit';
import { SqlParameters, type SqlStatement } from '@mxg/database';
import type { SealedInsert } from './exchange-store.types';
import { OUTBOX_COLUMNS, outboxValues } from './outbox-insert.statement';

/**
 * One statement inserting several new messages with their content — encrypted already, each under
 * its own data key, whose wrapped form goes into `message_keys` in this same statement (MIG-11.4)
 * — and, for each message that is new, its receipt, outbox row and audit entries (a data-modifying CTE is atomic, so it commits
 * as a whole). A message whose id exists already is skipped with everything of its own; the
 * statement returns the messages it inserted. Every row of `also` belongs to its message's id,
 * and no id may appear twice (callers batch distinct ids).
 */
export function insertMessagesStatement(items: readonly SealedInsert[]): SqlStatement {
  if (items.length === 0) throw new RangeError('insertMessagesStatement takes one message or more');
  const p = new SqlParameters();
  const messages: string[] = [];
  const receipts: string[] = [];
  const outbox: string[] = [];
  const requests: string[] = [];
  const retention: string[] = [];
  const restrictions: string[] = [];
  const audit: AuditEventInput[] = [];
  const auditTimes: Date[] = [];
  const ids = new Set<string>();
  for (const { message: m, also, sealed } of items) {
    const h = m.header;
    if (ids.has(h.id)) throw new RangeError(`message ${h.id} appears twice in one insert`);
    ids.add(h.id);
    messages.push(
      p.row([
        [h.id, 'uuid'],
        [m.direction, 'text'],
        [h.type, 'text'],
        [h.agreement, 'text'],
        [h.from.party, 'text'],
        [h.from.authority, 'text'],
        [h.to.party, 'text'],
        [h.to.authority, 'text'],
        [h.correlationId, 'uuid'],
        [h.inReplyTo?.id ?? null, 'uuid'],
        [m.digest, 'text'],
        [m.signatoryId, 'text'],
        [h.createdAt, 'timestamptz'],
        [m.at, 'timestamptz'],
        [m.status, 'text'],
        [m.submittedBy ?? null, 'text'],
        [m.idempotencyKey ?? null, 'text'],
        [m.requestDigest ?? null, 'text'],
        [sealed.content, 'bytea'],
        [sealed.signed, 'bytea'],
        [m.envelope ? Buffer.from(m.envelope) : null, 'bytea'],
        [sealed.key.kek, 'text'],
        [sealed.key.wrapped, 'bytea'],
      ]),
    );
    if (also.receipt) {
      const r = also.receipt;
      receipts.push(
        p.row([
          [h.id, 'uuid'],
          [r.direction, 'text'],
          [r.status, 'text'],
          [r.code, 'text'],
          [Buffer.from(r.signed), 'bytea'],
          [r.at, 'timestamptz'],
        ]),
      );
    }
    if (also.outbox) {
      if (also.outbox.messageId !== h.id) throw new RangeError('outbox row of another message');
      outbox.push(p.row(outboxValues(also.outbox)));
    }
    if (also.request) {
      const r = also.request;
      if (r.id !== h.id) throw new RangeError('a request is opened by its own message');
      requests.push(
        p.row([
          [r.id, 'uuid'],
          [r.agreement, 'text'],
          [r.side, 'text'],
          [r.requester.party, 'text'],
          [r.requester.authority, 'text'],
          [r.requested.party, 'text'],
          [r.requested.authority, 'text'],
          [r.purpose, 'text'],
          [r.confidential, 'boolean'],
          [r.state, 'text'],
          [r.at, 'timestamptz'],
          [r.due ? r.at : null, 'timestamptz'],
          [r.due?.receivedOn ?? null, 'date'],
          [r.due?.dueOn ?? null, 'date'],
        ]),
      );
    }
    if (also.retention) {
      const t = also.retention;
      retention.push(
        p.row([
          [h.id, 'uuid'],
          [[...t.categories], 'text[]'],
          [t.rule, 'text'],
          [t.retainUntil, 'timestamptz'],
        ]),
      );
    }
    // MIG-11.2, MIG-11.3: the handling restrictions the new message sets, on itself or on
    // messages its authority sent earlier (a handling-restriction).
    for (const r of also.restrictions ?? []) {
      restrictions.push(
        p.row([
          [r.messageId, 'uuid'],
          [r.restriction, 'text'],
          [h.id, 'uuid'],
          [m.at, 'timestamptz'],
        ]),
      );
    }
    for (const event of also.audit ?? []) {
      if (event.messageId !== h.id) throw new RangeError('audit entry of another message');
      audit.push(event);
      auditTimes.push(m.at);
    }
  }
  const ctes = [
    `n (id, direction, type, agreement, from_party, from_authority, to_party, to_authority,
        correlation_id, in_reply_to, digest, signatory_id, created_at, recorded_at, status,
        submitted_by, idempotency_key, request_digest, content, signed, envelope, kek, wrapped)
       AS (VALUES ${messages.join(',\n  ')})`,
    `m AS (
       INSERT INTO messages (id, direction, type, agreement, from_party, from_authority, to_party,
         to_authority, correlation_id, in_reply_to, digest, signatory_id, created_at, recorded_at,
         status, status_at, submitted_by, idempotency_key, request_digest)
       SELECT id, direction, type, agreement, from_party, from_authority, to_party, to_authority,
         correlation_id, in_reply_to, digest, signatory_id, created_at, recorded_at, status,
         recorded_at, submitted_by, idempotency_key, request_digest FROM n
       ON CONFLICT (id) DO NOTHING RETURNING *)`,
    `c AS (
       INSERT INTO message_contents (message_id, content, signed, envelope)
       SELECT n.id, n.content, n.signed, n.envelope FROM n JOIN m ON m.id = n.id)`,
    `k AS (
       INSERT INTO message_keys (message_id, kek, wrapped)
       SELECT n.id, n.kek, n.wrapped FROM n JOIN m ON m.id = n.id)`,
  ];
  if (receipts.length > 0) {
    ctes.push(`r AS (
       INSERT INTO receipts (message_id, direction, status, code, signed, recorded_at)
       SELECT * FROM (VALUES ${receipts.join(', ')})
         AS v (message_id, direction, status, code, signed, recorded_at)
       WHERE v.message_id IN (SELECT id FROM m))`);
  }
  if (outbox.length > 0) {
    ctes.push(`o AS (
       INSERT INTO outbox (${OUTBOX_COLUMNS})
       SELECT * FROM (VALUES ${outbox.join(', ')}) AS v (${OUTBOX_COLUMNS})
       WHERE v.message_id IN (SELECT id::text FROM m))`);
  }
  if (requests.length > 0) {
    ctes.push(`q AS (
       INSERT INTO requests (id, agreement, side, requester_party, requester_authority,
         requested_party, requested_authority, purpose, confidential, state, state_at,
         last_message_id, opened_at, received_at, received_on, due_on)
       SELECT id, agreement, side, requester_party, requester_authority, requested_party,
         requested_authority, purpose, confidential, state, at, id, at, received_at, received_on,
         due_on
         FROM (VALUES ${requests.join(', ')})
           AS v (id, agreement, side, requester_party, requester_authority, requested_party,
                 requested_authority, purpose, confidential, state, at, received_at, received_on,
                 due_on)
        WHERE v.id IN (SELECT id FROM m))`);
  }
  if (retention.length > 0) {
    ctes.push(`t AS (
       INSERT INTO message_retention (message_id, categories, rule, retain_until)
       SELECT * FROM (VALUES ${retention.join(', ')})
         AS v (message_id, categories, rule, retain_until)
       WHERE v.message_id IN (SELECT id FROM m))`);
  }
  if (restrictions.length > 0) {
    ctes.push(`h AS (
       INSERT INTO handling_restrictions (message_id, restriction, added_by, added_at)
       SELECT * FROM (VALUES ${restrictions.join(', ')})
         AS v (message_id, restriction, added_by, added_at)
       WHERE v.added_by IN (SELECT id FROM m)
       ON CONFLICT DO NOTHING)`);
  }
  if (audit.length > 0) {
    const a = auditEntriesJoining(audit, {
      time: auditTimes,
      parameters: p,
      join: { whenMessageIdIn: { cte: 'm', column: 'id' } },
    });
    ctes.push(`a AS (${a})`);
  }
  return { text: `WITH ${ctes.join(',\n')}\nSELECT * FROM m`, parameters: p.values };
}
