import {
  Controller,
  Get,
  Header,
  NotFoundException,
  Query,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { latestCheckpoint } from '@mxg/audit';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { ExportAuditLog } from './use-cases/export-audit-log/export-audit-log.use-case';
import { QueryAuditLogCommand } from './use-cases/query-audit-log/query-audit-log.command';
import {
  type AuditLogPage,
  QueryAuditLog,
} from './use-cases/query-audit-log/query-audit-log.use-case';

/** The auditor API (issue 4): auditors only, every query audited. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@UseGuards(BearerAuthGuard)
@Roles('auditor')
export class AuditController {
  constructor(
    private readonly queryAuditLog: QueryAuditLog,
    private readonly exportAuditLog: ExportAuditLog,
    private readonly dataSource: DataSource,
  ) {}

  @Get('entries')
  @ApiOperation({
    summary:
      'Audit entries by time range (from, to), party, authority, agreement, messageId, correlationId and type; paged by `limit` (1–1000, default 100) and `cursor` (the previous page’s `next`)',
  })
  entries(
    @Query() query: Record<string, unknown>,
    @CurrentClient() client: AuthenticatedClient,
  ): Promise<AuditLogPage> {
    return this.queryAuditLog.execute(QueryAuditLogCommand.create(query), client);
  }

  @Get('checkpoints/latest')
  @ApiOperation({
    summary: 'The latest signed checkpoint of this gateway’s audit log (signed note)',
  })
  async latest(): Promise<{ treeSize: number; note: string }> {
    const checkpoint = await latestCheckpoint(this.dataSource);
    if (checkpoint === undefined) throw new NotFoundException('no checkpoint signed yet');
    return { treeSize: checkpoint.treeSize, note: checkpoint.note };
  }

  @Get('export')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'The audit log up to its latest checkpoint as JSON Lines (mxg-audit-export/2), signed by this gateway’s audit key, exactly as `mxg audit export` writes it: check it with `mxg audit verify`. Audited (audit.exported)',
  })
  async export(@CurrentClient() client: AuthenticatedClient): Promise<StreamableFile> {
    return new StreamableFile(await this.exportAuditLog.start(client), {
      type: 'application/jsonl; charset=utf-8',
    });
  }
}
