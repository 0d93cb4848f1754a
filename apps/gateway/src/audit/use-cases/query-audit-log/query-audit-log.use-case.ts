import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAppender, auditEntryToJson, auditLeafHash, queryEntriesWithLeaves } from '@mxg/audit';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { pageOf } from '../../../api/page';
import { AUDIT_ENTRIES_CURSOR, type QueryAuditLogCommand } from './query-audit-log.command';

/**
 * Whether an entry as read now still hashes to the leaf the sequencer stored for it. `altered`
 * means someone changed the row behind the append-only triggers (a superuser, or an owner who
 * disabled them): the entry shown is not the one the log committed to.
 */
export type EntryIntegrity = 'intact' | 'altered';

export interface AuditLogPage {
  /** Each entry as logged, plus `integrity` (not part of the entry's leaf). */
  readonly entries: (Record<string, unknown> & { integrity: EntryIntegrity })[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly next: string | null;
  /** The page's verdict: how many entries were checked, and the seqs of those altered. */
  readonly integrity: { readonly checked: number; readonly altered: readonly number[] };
}

/** The stable code of an entry that no longer matches its leaf (#10.4). */
export const ENTRY_ALTERED = 'AUDIT_ENTRY_ALTERED';

/**
 * An auditor's query; issue 4: every query an auditor runs is itself audited. #10.4: each entry
 * served is hashed again and compared with its stored leaf, and one that no longer matches is
 * said to be so in the answer, logged and audited — by seq, never by content.
 */
@Injectable()
export class QueryAuditLog {
  private readonly logger = new Logger('AuditQuery');

  constructor(
    private readonly dataSource: DataSource,
    private readonly appender: AuditAppender,
  ) {}

  async execute(command: QueryAuditLogCommand, client: AuthenticatedClient): Promise<AuditLogPage> {
    const { limit } = command.filter;
    // One more than asked: whether there is a next page at all.
    const found = await queryEntriesWithLeaves(this.dataSource, {
      ...command.filter,
      limit: limit + 1,
    });
    const { items: rows, next } = pageOf(AUDIT_ENTRIES_CURSOR, found, limit, (r) => [r.entry.seq]);
    const checked = rows.map(({ entry, leafHash }) => {
      const integrity: EntryIntegrity =
        leafHash !== null && auditLeafHash(entry).equals(leafHash) ? 'intact' : 'altered';
      return { entry, integrity };
    });
    const altered = checked.filter((c) => c.integrity === 'altered').map((c) => c.entry.seq);
    const actor = { authority: client.authority, role: 'auditor', user: client.id };
    if (altered.length > 0) {
      this.logger.error(
        `audit entries no longer match their leaves (altered behind the triggers): seq ${altered.join(', ')}`,
      );
    }
    await this.appender.appendMany([
      {
        type: 'audit.queried',
        actor,
        details: { ...command.asGiven, returned: rows.length },
      },
      ...(altered.length > 0
        ? [
            {
              type: 'audit.entry-altered' as const,
              actor,
              outcome: 'failure' as const,
              errorCode: ENTRY_ALTERED,
              // An audit detail holds at most 64 items: the count, and the first seqs.
              details: { altered: altered.length, seqs: altered.slice(0, 64) },
            },
          ]
        : []),
    ]);
    return {
      entries: checked.map((c) => ({ ...auditEntryToJson(c.entry), integrity: c.integrity })),
      next,
      integrity: { checked: rows.length, altered },
    };
  }
}
