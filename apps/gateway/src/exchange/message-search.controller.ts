import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { queryEntries } from '@mxg/audit';
import { MESSAGE_STATUSES } from '@mxg/lifecycle';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { validationFailed } from './exchange.errors';
import { assertMaySee } from './message-access';
import { MessageView } from './message-view';
import { ExchangeStore } from './store/exchange.store';
import { MessageSearchStore } from './store/message-search.store';
import {
  encodeSearchCursor,
  SEARCH_MAX_LIMIT,
  SearchMessagesCommand,
} from './use-cases/search-messages/search-messages.command';
import { uuidParam } from './uuid-param';

const TIMELINE_DEFAULT_LIMIT = 200;
const TIMELINE_MAX_LIMIT = 1000;

export interface TimelineEntry {
  readonly seq: number;
  readonly type: string;
  readonly time: string;
  readonly outcome: string;
  readonly code: string | null;
}

/**
 * What the security officer and the auditor look through (the console, issue #17): every
 * message's routing data, newest first, and one message's audit entries in log order. Never
 * content: that is the authorities' own, and reading it is audited (MIG-11.1, MIG-11.4).
 */
@ApiTags('messages')
@ApiBearerAuth()
@Controller('messages')
@UseGuards(BearerAuthGuard)
export class MessageSearchController {
  constructor(
    private readonly search: MessageSearchStore,
    private readonly messages: ExchangeStore,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Roles('security-officer', 'auditor')
  @ApiOperation({
    summary:
      'Messages by type, direction, status and recordedAt range (since ≤ t < until), newest first: routing data only',
  })
  @ApiQuery({ name: 'limit', required: false, description: `1–${SEARCH_MAX_LIMIT}, default 50` })
  @ApiQuery({ name: 'cursor', required: false, description: 'the previous page’s `next`' })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'direction', required: false, enum: ['outgoing', 'incoming'] })
  @ApiQuery({ name: 'status', required: false, enum: MESSAGE_STATUSES })
  @ApiQuery({ name: 'since', required: false, description: 'a date or RFC 3339 date-time' })
  @ApiQuery({ name: 'until', required: false, description: 'a date or RFC 3339 date-time' })
  async list(
    @Query() query: Record<string, unknown>,
  ): Promise<{ messages: MessageView[]; next: string | null }> {
    const page = await this.search.search(SearchMessagesCommand.create(query));
    return {
      messages: page.messages.map((m) => MessageView.of(m)),
      next: page.next === undefined ? null : encodeSearchCursor(page.next),
    };
  }

  @Get(':id/timeline')
  @Roles('publisher', 'security-officer', 'auditor')
  @ApiOperation({
    summary: 'The audit entries of one message, in log order (seq, type, time, code)',
  })
  @ApiQuery({ name: 'limit', required: false, description: `1–${TIMELINE_MAX_LIMIT}, default 200` })
  @ApiQuery({ name: 'cursor', required: false, description: 'the previous page’s `next`' })
  async timeline(
    @Param('id', uuidParam('id')) id: string,
    @Query('limit') limitText: unknown,
    @Query('cursor') cursor: unknown,
    @CurrentClient() client: AuthenticatedClient,
  ): Promise<{ entries: TimelineEntry[]; next: string | null }> {
    const { limit, afterSeq } = timelinePage(limitText, cursor);
    assertMaySee(client, await this.messages.find(id), id);
    const entries = await queryEntries(this.dataSource, {
      messageId: id,
      afterSeq,
      limit: limit + 1,
    });
    const page = entries.slice(0, limit);
    return {
      entries: page.map((e) => ({
        seq: e.seq,
        type: e.type,
        time: e.time.toISOString(),
        outcome: e.outcome,
        code: e.errorCode,
      })),
      next:
        entries.length > limit
          ? Buffer.from(String(page[page.length - 1].seq)).toString('base64url')
          : null,
    };
  }
}

function timelinePage(limitText: unknown, cursor: unknown): { limit: number; afterSeq?: number } {
  const limit = limitText === undefined ? TIMELINE_DEFAULT_LIMIT : Number(limitText);
  if (
    (limitText !== undefined && (typeof limitText !== 'string' || !/^\d{1,4}$/.test(limitText))) ||
    limit < 1 ||
    limit > TIMELINE_MAX_LIMIT
  ) {
    throw validationFailed([
      {
        field: 'limit',
        rule: 'range',
        message: `must be an integer from 1 to ${TIMELINE_MAX_LIMIT}`,
      },
    ]);
  }
  if (cursor === undefined) return { limit };
  const seq =
    typeof cursor === 'string' && /^[A-Za-z0-9_-]{1,24}$/.test(cursor)
      ? Buffer.from(cursor, 'base64url').toString('utf8')
      : '';
  if (!/^\d{1,15}$/.test(seq)) {
    throw validationFailed([
      { field: 'cursor', rule: 'format', message: 'is not a cursor this API gave' },
    ]);
  }
  return { limit, afterSeq: Number(seq) };
}
