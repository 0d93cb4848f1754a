import {
  Controller,
  Get,
  Header,
  NotFoundException,
  Query,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AUDIT_EVENT_TYPES, latestCheckpoint } from '@mxg/audit';
import {
  ApiAnswer,
  ApiBytesAnswer,
  arrayOf,
  int,
  nullable,
  object,
  str,
} from '../api/openapi-answers';
import { ApiPageQueries } from '../api/page';
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
  @ApiQuery({ name: 'from', required: false, description: 'recorded at or after (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'recorded before (ISO 8601)' })
  @ApiQuery({ name: 'party', required: false, example: 'KZ' })
  @ApiQuery({ name: 'authority', required: false, example: 'KZ-MVD' })
  @ApiQuery({ name: 'agreement', required: false, example: 'MIG' })
  @ApiQuery({ name: 'messageId', required: false })
  @ApiQuery({ name: 'correlationId', required: false })
  @ApiQuery({ name: 'type', required: false, enum: AUDIT_EVENT_TYPES })
  @ApiPageQueries(1000)
  @ApiAnswer(
    object({
      entries: arrayOf({
        type: 'object',
        description: 'an entry as logged (see the export format), plus integrity',
      }),
      next: nullable(str('the `cursor` of the next page; null on the last')),
      integrity: object({
        checked: int(),
        altered: arrayOf(int(), 'seqs of entries that no longer match their leaves (#10.4)'),
      }),
    }),
  )
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
  @ApiAnswer(object({ treeSize: int(), note: str('the signed note') }))
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
  @ApiBytesAnswer('application/jsonl', 'mxg-audit-export/2: one JSON object a line')
  async export(@CurrentClient() client: AuthenticatedClient): Promise<StreamableFile> {
    return new StreamableFile(await this.exportAuditLog.start(client), {
      type: 'application/jsonl; charset=utf-8',
    });
  }
}
