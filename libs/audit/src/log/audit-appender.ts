import type { Clock } from '@mxg/core';
import type { AuditEventInput } from './audit-event';
import { normalizeAuditEvent } from './audit-entry-validation';
import { insertEntries } from '../store/audit-log.repository';
import type { SqlClient } from '../store/sql-client';

// One statement per 100 rows (FIELD-NOTES: ~36 k rows/s); more gains little and grows plans.
const ROWS_PER_INSERT = 100;

/**
 * Appends audit events. An append is one plain INSERT with no sequence number and no hash, so
 * writers never wait on each other (issue 4: appending never serialises message processing);
 * the sequencer orders and hashes behind them. Pass `db` — a TypeORM EntityManager or
 * QueryRunner, a pg client in a transaction — to append atomically with the caller's own
 * writes: the event then exists exactly when what it records does.
 */
export class AuditAppender {
  constructor(
    private readonly db: SqlClient,
    private readonly clock: Clock,
  ) {}

  async append(event: AuditEventInput, options: { db?: SqlClient } = {}): Promise<void> {
    await this.appendMany([event], options);
  }

  async appendMany(
    events: readonly AuditEventInput[],
    options: { db?: SqlClient } = {},
  ): Promise<void> {
    // Validate everything before writing anything: a bad event must not leave half a batch.
    const time = this.clock.now();
    const rows = events.map((event) => ({ event: normalizeAuditEvent(event), time }));
    for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
      await insertEntries(options.db ?? this.db, rows.slice(at, at + ROWS_PER_INSERT));
    }
  }
}
