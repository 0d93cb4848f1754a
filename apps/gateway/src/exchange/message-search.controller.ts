import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { queryEntries } from '@mxg/audit';
import { MESSAGE_STATUSES } from '@mxg/lifecycle';
import { ApiPageQueries, type LimitProblem, pageOf, readPage } from '../api/page';
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
  SEARCH_DEFAULT_LIMIT,
  SEARCH_MAX_LIMIT,
  SearchMessagesCommand,
} from './use-cases/search-messages/search-messages.command';
import { uuidParam } from './uuid-param';
import { ApiPageAnswer, int, nullable, object, str } from '../api/openapi-answers';

/** A timeline's cursors: an audit entry's seq. */
const TIMELINE_CURSOR = 'timeline';
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
  @ApiPageQueries(SEARCH_MAX_LIMIT, SEARCH_DEFAULT_LIMIT)
  @ApiPageAnswer('messages', MessageView)
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
  @ApiPageQueries(TIMELINE_MAX_LIMIT, TIMELINE_DEFAULT_LIMIT)
  @ApiPageAnswer(
    'entries',
    object({ seq: int(), type: str(), time: str(), outcome: str(), code: nullable(str()) }),
  )
  async timeline(
    @Param('id', uuidParam('id')) id: string,
    @Query('limit') limitText: unknown,
    @Query('cursor') cursor: unknown,
    @CurrentClient() client: AuthenticatedClient,
  ): Promise<{ entries: TimelineEntry[]; next: string | null }> {
    const problems: LimitProblem[] = [];
    const page = readPage(
      TIMELINE_CURSOR,
      ['integer'],
      { limit: limitText, cursor },
      problems,
      TIMELINE_MAX_LIMIT,
      TIMELINE_DEFAULT_LIMIT,
    );
    if (problems.length > 0) throw validationFailed(problems);
    assertMaySee(client, await this.messages.find(id), id);
    const found = await queryEntries(this.dataSource, {
      messageId: id,
      afterSeq: page.after?.[0] as number | undefined,
      // One more than asked: whether there is a next page at all.
      limit: page.size + 1,
    });
    const { items, next } = pageOf(TIMELINE_CURSOR, found, page.size, (e) => [e.seq]);
    return {
      entries: items.map((e) => ({
        seq: e.seq,
        type: e.type,
        time: e.time.toISOString(),
        outcome: e.outcome,
        code: e.errorCode,
      })),
      next,
    };
  }
}
