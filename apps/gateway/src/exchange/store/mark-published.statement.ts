import { SqlParameters, type SqlStatement } from '@mxg/database';
import { fromStatuses, targetStatus } from '@mxg/lifecycle';
import type { OutboxRow } from '../exchange.types';

/**
 * Of a published outbox row `o`: its payload is kept elsewhere or not at all (#10.9) — a replayed
 * dead letter's is in the inbox queue now, and comes back as a new dead letter if refused again.
 * A receipt row's message id is the received message's uuid. It is cast inside a CASE, only when
 * it is one, so that no other row's id is ever cast (nor a malformed one fails the batch), and
 * compared as a uuid, so that the look-up is one probe of receipts' primary key: compared as
 * text (`r.message_id::text = o.message_id`) it scanned every receipt for every published row —
 * 28 ms a row at 62,000 receipts, a cost growing with the table (#16).
 */
const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const PAYLOAD_NO_LONGER_NEEDED = `(o.kind IN ('dead-letter', 'replay') OR (o.kind = 'receipt' AND EXISTS (
  SELECT 1 FROM receipts r
   WHERE r.message_id = (CASE WHEN o.kind = 'receipt' AND o.message_id ~* '${UUID_PATTERN}'
                              THEN o.message_id::uuid END)
     AND r.direction = 'sent' AND r.signed = o.payload)))`;

/**
 * A relay batch went out, in one statement: its outbox rows are published (dropping a payload
 * no longer needed), and each envelope's message counts the attempt and makes the `publish`
 * transition where the lifecycle table allows it, its receipt then due after `timeoutSeconds`,
 * doubled for every earlier attempt; a message already past it (its receipt came back) keeps its
 * status and deadline. Returns every envelope's message.
 */
export function markPublishedStatement(
  rows: readonly Pick<OutboxRow, 'id' | 'kind' | 'messageId'>[],
  at: Date,
  timeoutSeconds: number,
): SqlStatement {
  const p = new SqlParameters();
  const ids = p.bind(
    rows.map((r) => r.id),
    'bigint[]',
  );
  const now = p.bind(at, 'timestamptz');
  const envelopes = p.bind(
    rows.filter((r) => r.kind === 'envelope').map((r) => r.messageId),
    'uuid[]',
  );
  const from = p.bind([...fromStatuses('publish')], 'text[]');
  const to = p.bind(targetStatus('publish'), 'text');
  const timeout = p.bind(timeoutSeconds, 'double precision');
  const publishable = `status = ANY (${from})`;
  const text = `WITH published AS (
       UPDATE outbox o SET published_at = ${now}, attempts = o.attempts + 1,
              payload = CASE WHEN ${PAYLOAD_NO_LONGER_NEEDED} THEN NULL ELSE o.payload END
        WHERE o.id = ANY (${ids}) RETURNING o.id),
     moved AS (
       UPDATE messages SET
         attempts = attempts + 1,
         status = CASE WHEN ${publishable} THEN ${to} ELSE status END,
         status_at = CASE WHEN ${publishable} THEN ${now} ELSE status_at END,
         receipt_due_at = CASE WHEN ${publishable}
           THEN ${now} + make_interval(secs => ${timeout} * power(2, LEAST(attempts, 16)))
           ELSE receipt_due_at END
       WHERE id = ANY (${envelopes}) RETURNING *)
     SELECT * FROM moved`;
  return { text, parameters: p.values };
}
