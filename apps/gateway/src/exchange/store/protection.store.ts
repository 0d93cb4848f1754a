import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '@mxg/database';
import type { MessageRecord } from '../exchange.types';

/** One handling restriction on a message, and the message that set it. */
export interface RecordedRestriction {
  readonly restriction: string;
  readonly addedBy: string;
  readonly addedAt: Date;
}

/** What binds a message (MIG-11.2, MIG-11.3): its request's purpose, its recorded restrictions. */
export interface MessageBinding {
  /** The purpose code of the request the message belongs to; null outside a request. */
  readonly purpose: string | null;
  /** In the order they were set; those set by a message its receiver refused are left out. */
  readonly restrictions: readonly RecordedRestriction[];
}

const UNBOUND: MessageBinding = { purpose: null, restrictions: [] };

/**
 * Reads what binds messages: the purpose of their request (`requests.purpose`, MIG-11.2) and the
 * handling restrictions recorded for them (`handling_restrictions`, MIG-11.2, MIG-11.3) — codes
 * and ids only. One statement for any number of messages, so a page of the inbox costs one more.
 */
@Injectable()
export class ProtectionStore {
  constructor(private readonly dataSource: DataSource) {}

  async bindings(messages: readonly MessageRecord[]): Promise<Map<string, MessageBinding>> {
    const found = new Map<string, MessageBinding>();
    if (messages.length === 0) return found;
    const rows = await queryRows<{
      id: string;
      purpose: string | null;
      restrictions: { restriction: string; addedBy: string; addedAt: string }[];
    }>(
      this.dataSource,
      `SELECT m.id, q.purpose,
              COALESCE((
                SELECT json_agg(json_build_object('restriction', h.restriction,
                         'addedBy', h.added_by, 'addedAt', h.added_at)
                         ORDER BY h.added_at, h.added_by, h.restriction)
                  FROM handling_restrictions h
                  JOIN messages a ON a.id = h.added_by AND a.status <> 'rejected'
                 WHERE h.message_id = m.id), '[]'::json) AS restrictions
         FROM unnest($1::uuid[], $2::uuid[]) AS m (id, correlation_id)
         LEFT JOIN requests q ON q.id = m.correlation_id`,
      [messages.map((m) => m.id), messages.map((m) => m.correlationId)],
    );
    for (const row of rows) {
      found.set(row.id, {
        purpose: row.purpose,
        restrictions: row.restrictions.map((r) => ({
          restriction: r.restriction,
          addedBy: r.addedBy,
          addedAt: new Date(r.addedAt),
        })),
      });
    }
    return found;
  }

  async binding(message: MessageRecord): Promise<MessageBinding> {
    return (await this.bindings([message])).get(message.id) ?? UNBOUND;
  }
}
