import { auditEntriesJoining, type AuditEventInput } from '@mxg/audit';
import { SqlParameters, type SqlStatement } from '@mxg/database';
import { fromStatuses, targetStatus, transitionAudit } from '@mxg/lifecycle';
import type { ReceiptRecord } from './exchange-store.types';

/**
 * One statement recording received receipts (a data-modifying CTE is atomic): each receipt is
 * inserted unless one is recorded for its message already, and only for those that are first
 * does the message make its transition (from the lifecycle table's from-statuses to its target,
 * its receipt no longer due) and the audit entries — the transition's event — get written. A
 * request's deadline (MIG-10.3) is recorded on its request in the same statement, for any copy,
 * unless it is recorded already — one commit per batch of receipts, not one more per request.
 * Returns the message ids whose receipt was first. No message may appear twice.
 */
export function recordReceiptsStatement(items: readonly ReceiptRecord[]): SqlStatement {
  if (items.length === 0) throw new RangeError('recordReceiptsStatement takes one receipt or more');
  const p = new SqlParameters();
  const rows: string[] = [];
  const audit: AuditEventInput[] = [];
  const auditTimes: Date[] = [];
  const ids = new Set<string>();
  for (const { receipt: r, trigger, audit: entries, requestDue: due } of items) {
    if (ids.has(r.messageId)) throw new RangeError(`receipt for ${r.messageId} appears twice`);
    ids.add(r.messageId);
    rows.push(
      p.row([
        [r.messageId, 'uuid'],
        [r.status, 'text'],
        [r.code, 'text'],
        [Buffer.from(r.signed), 'bytea'],
        [r.at, 'timestamptz'],
        [targetStatus(trigger), 'text'],
        [[...fromStatuses(trigger)], 'text[]'],
        [due?.receivedAt ?? null, 'timestamptz'],
        [due?.receivedOn ?? null, 'date'],
        [due?.dueOn ?? null, 'date'],
      ]),
    );
    for (const entry of entries) {
      if (entry.messageId !== r.messageId) throw new RangeError('audit entry of another message');
      audit.push({ ...entry, type: transitionAudit(trigger) });
      auditTimes.push(r.at);
    }
  }
  const ctes = [
    `rv (message_id, status, code, signed, recorded_at, new_status, from_statuses,
         due_received_at, due_received_on, due_on)
       AS (VALUES ${rows.join(',\n  ')})`,
    `r AS (
       INSERT INTO receipts (message_id, direction, status, code, signed, recorded_at)
       SELECT message_id, 'received', status, code, signed, recorded_at FROM rv
       ON CONFLICT DO NOTHING RETURNING message_id)`,
    `moved AS (
       UPDATE messages SET status = rv.new_status, status_at = rv.recorded_at,
              status_code = rv.code, receipt_due_at = NULL
         FROM rv
        WHERE messages.id = rv.message_id AND rv.message_id IN (SELECT message_id FROM r)
          AND messages.status = ANY (rv.from_statuses)
       RETURNING messages.id)`,
  ];
  if (items.some((item) => item.requestDue)) {
    ctes.push(`d AS (
       UPDATE requests SET received_at = rv.due_received_at, received_on = rv.due_received_on,
              due_on = rv.due_on
         FROM rv
        WHERE requests.id = rv.message_id AND rv.due_on IS NOT NULL AND requests.due_on IS NULL)`);
  }
  if (audit.length > 0) {
    const a = auditEntriesJoining(audit, {
      time: auditTimes,
      parameters: p,
      join: { whenMessageIdIn: { cte: 'r', column: 'message_id' } },
    });
    ctes.push(`a AS (${a})`);
  }
  return {
    text: `WITH ${ctes.join(',\n')}\nSELECT message_id FROM r`,
    parameters: p.values,
  };
}
