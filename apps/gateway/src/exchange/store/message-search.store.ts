import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '@mxg/database';
import type { MessageRecord } from '../exchange.types';
import type {
  SearchMessagesCommand,
  SearchPosition,
} from '../use-cases/search-messages/search-messages.command';
import { type MessageRow, toRecord } from './message-row';

export interface SearchPage {
  readonly messages: readonly MessageRecord[];
  /** Where the next page starts; undefined on the last page. */
  readonly next: SearchPosition | undefined;
}

/**
 * The message search of security officers and auditors: routing columns of `messages` only —
 * the content lives in other tables and is never joined here (MIG-11.1, MIG-11.4).
 */
@Injectable()
export class MessageSearchStore {
  constructor(private readonly dataSource: DataSource) {}

  async search(query: SearchMessagesCommand): Promise<SearchPage> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      if (value === undefined) return;
      parameters.push(value);
      where.push(clause(`$${parameters.length}`));
    };
    add((p) => `type = ${p}`, query.type);
    add((p) => `direction = ${p}`, query.direction);
    add((p) => `status = ${p}`, query.status);
    add((p) => `recorded_at >= ${p}`, query.since);
    add((p) => `recorded_at < ${p}`, query.until);
    if (query.after !== undefined) {
      parameters.push(query.after.recordedAtMicros, query.after.id);
      const [micros, id] = [`$${parameters.length - 1}`, `$${parameters.length}`];
      where.push(
        `(recorded_at, id) < (timestamptz 'epoch' + ${micros}::bigint * interval '1 microsecond', ${id}::uuid)`,
      );
    }
    // One more than asked: whether there is a next page, without a count.
    parameters.push(query.limit + 1);
    const rows = await queryRows<MessageRow & { recorded_at_micros: string }>(
      this.dataSource,
      `SELECT *, (extract(epoch FROM recorded_at) * 1000000)::bigint AS recorded_at_micros
         FROM messages ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY recorded_at DESC, id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      messages: page.map(toRecord),
      next:
        rows.length > query.limit && last !== undefined
          ? { recordedAtMicros: String(last.recorded_at_micros), id: last.id }
          : undefined,
    };
  }
}
