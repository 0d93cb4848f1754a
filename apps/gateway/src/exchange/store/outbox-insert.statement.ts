import { SqlParameters, type SqlStatement } from '@mxg/database';
import type { NewOutboxEntry } from './exchange-store.types';

export const OUTBOX_COLUMNS = `message_id, kind, exchange, routing_key, payload, properties, created_at, available_at`;

/** An outbox row's values in OUTBOX_COLUMNS order (`created_at` is also `available_at`). */
export function outboxValues(entry: NewOutboxEntry): [unknown, string][] {
  return [
    [entry.messageId, 'text'],
    [entry.kind, 'text'],
    [entry.exchange, 'text'],
    [entry.routingKey, 'text'],
    [entry.payload ? Buffer.from(entry.payload) : null, 'bytea'],
    [JSON.stringify(entry.properties), 'jsonb'],
    [entry.at, 'timestamptz'],
    [entry.at, 'timestamptz'],
  ];
}

/** The INSERT of one outbox row on its own. */
export function outboxInsertStatement(entry: NewOutboxEntry): SqlStatement {
  const p = new SqlParameters();
  const text = `INSERT INTO outbox (${OUTBOX_COLUMNS}) VALUES ${p.row(outboxValues(entry))}`;
  return { text, parameters: p.values };
}
