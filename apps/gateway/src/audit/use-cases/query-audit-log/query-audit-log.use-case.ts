import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAppender, auditEntryToJson, queryEntries } from '@mxg/audit';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import type { QueryAuditLogCommand } from './query-audit-log.command';

export interface AuditLogPage {
  readonly entries: Record<string, unknown>[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: number | null;
}

/** An auditor's query; issue 4: every query an auditor runs is itself audited. */
@Injectable()
export class QueryAuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly appender: AuditAppender,
  ) {}

  async execute(command: QueryAuditLogCommand, client: AuthenticatedClient): Promise<AuditLogPage> {
    const entries = await queryEntries(this.dataSource, command.filter);
    await this.appender.append({
      type: 'audit.queried',
      actor: { authority: client.authority, role: 'auditor', user: client.id },
      details: { ...command.asGiven, returned: entries.length },
    });
    const full = entries.length === command.filter.limit;
    return {
      entries: entries.map(auditEntryToJson),
      next: full ? entries[entries.length - 1].seq : null,
    };
  }
}
