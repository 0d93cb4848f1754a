import { auditEntriesJoining } from '@mxg/audit';
import { SqlParameters, type SqlStatement } from '@mxg/database';
import { fromStatuses, targetStatus, transitionAudit } from '@mxg/lifecycle';
import type { MessageMove } from './exchange-store.types';

/**
 * One statement making a message's transition: from one of the lifecycle table's from-statuses
 * of its trigger to its target, with whatever else `change` sets, and — only if the message
 * moved — the transition's audit entries (recorded at `at`). Returns the moved message's row.
 */
export function moveMessageStatement({ id, trigger, at, change }: MessageMove): SqlStatement {
  const p = new SqlParameters();
  const ctes = [
    `moved AS (
       UPDATE messages SET status = ${p.bind(targetStatus(trigger), 'text')},
              status_at = ${p.bind(at, 'timestamptz')},
              status_code = ${p.bind(change.code ?? null, 'text')},
              receipt_due_at = CASE WHEN ${p.bind(change.receiptDueAt !== undefined, 'boolean')}
                THEN ${p.bind(change.receiptDueAt ?? null, 'timestamptz')} ELSE receipt_due_at END,
              attempts = COALESCE(${p.bind(change.attempts ?? null, 'int')}, attempts)
        WHERE id = ${p.bind(id, 'uuid')}
          AND status = ANY (${p.bind([...fromStatuses(trigger)], 'text[]')})
       RETURNING *)`,
  ];
  const audit = change.audit ?? [];
  if (audit.length > 0) {
    if (audit.some((entry) => entry.messageId !== id)) {
      throw new RangeError('audit entry of another message');
    }
    const a = auditEntriesJoining(
      audit.map((entry) => ({ ...entry, type: transitionAudit(trigger) })),
      { time: at, parameters: p, join: { whenMessageIdIn: { cte: 'moved', column: 'id' } } },
    );
    ctes.push(`a AS (${a})`);
  }
  return { text: `WITH ${ctes.join(',\n')}\nSELECT * FROM moved`, parameters: p.values };
}
