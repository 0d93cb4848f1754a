import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import {
  isOverdue,
  localDate,
  REQUEST_SIDES,
  REQUEST_STATES,
  type RequestState,
} from '@mxg/lifecycle';
import type { AuthenticatedClient } from '../auth/auth.types';
import { CursorError } from '../api/cursor';
import { ApiPageQueries, pageOf, readPage } from '../api/page';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { type FieldProblem, validationFailed } from '../exchange/exchange.errors';
import { actingAuthority } from '../exchange/message-access';
import { MessageView } from '../exchange/message-view';
import { ProtectionView } from '../exchange/protection-view';
import { ProtectionStore } from '../exchange/store/protection.store';
import { ExchangeStore } from '../exchange/store/exchange.store';
import { uuidParam } from '../exchange/uuid-param';
import { RequestStore } from '../exchange/store/request.store';
import type { RequestRecord, RequestSide } from '../exchange/store/request.types';
import { RequestView } from './request-view';
import { RequestsApiError } from './requests.errors';
import { ApiAnswer, ApiPageAnswer, arrayOf, object, ref } from '../api/openapi-answers';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The requests' cursors: a request's id, its place in (due date, opened, id) order. */
const REQUESTS_CURSOR = 'requests';

/** Whether `authority` is the requester or the requested of `request`. */
function isParty(request: RequestRecord, authority: string): boolean {
  return [request.requester.authority, request.requested.authority].includes(authority);
}

/**
 * The requests of the client's authority (MIG-8, MIG-10): by state, by side, by deadline
 * (MIG-10.3) — so that nobody loses track of a request.
 */
@ApiTags('requests')
@ApiBearerAuth()
@Controller('requests')
@UseGuards(BearerAuthGuard)
@Roles('publisher')
export class RequestsController {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly requests: RequestStore,
    private readonly exchange: ExchangeStore,
    private readonly protection: ProtectionStore,
  ) {}

  @Get()
  @ApiOperation({ summary: "This authority's requests, soonest due first" })
  @ApiQuery({ name: 'state', required: false, enum: REQUEST_STATES })
  @ApiQuery({
    name: 'role',
    required: false,
    enum: REQUEST_SIDES,
    description: 'as requester or as requested',
  })
  @ApiQuery({
    name: 'dueBefore',
    required: false,
    description: 'due on or before this date (YYYY-MM-DD): the nearly due',
  })
  @ApiQuery({
    name: 'overdue',
    required: false,
    enum: ['true', 'false'],
    description: 'open and past the deadline at the requested authority (MIG-10.3)',
  })
  @ApiPageQueries()
  @ApiPageAnswer('requests', RequestView)
  async list(
    @CurrentClient() client: AuthenticatedClient,
    @Query('state') state?: unknown,
    @Query('role') role?: unknown,
    @Query('dueBefore') dueBefore?: unknown,
    @Query('overdue') overdue?: unknown,
    @Query('limit') limit?: unknown,
    @Query('cursor') cursor?: unknown,
  ) {
    const problems: FieldProblem[] = [];
    const bad = (field: string, message: string) =>
      problems.push({ field, rule: 'value', message });
    if (state !== undefined && !(REQUEST_STATES as readonly unknown[]).includes(state))
      bad('state', `must be one of ${REQUEST_STATES.join(', ')}`);
    if (role !== undefined && !(REQUEST_SIDES as readonly unknown[]).includes(role))
      bad('role', `must be one of ${REQUEST_SIDES.join(', ')}`);
    if (
      dueBefore !== undefined &&
      !(
        typeof dueBefore === 'string' &&
        DATE.test(dueBefore) &&
        !Number.isNaN(Date.parse(dueBefore))
      )
    )
      bad('dueBefore', 'must be a date, YYYY-MM-DD');
    if (overdue !== undefined && overdue !== 'true' && overdue !== 'false')
      bad('overdue', 'must be true or false');
    const page = readPage(REQUESTS_CURSOR, ['uuid'], { limit, cursor }, problems);
    if (problems.length > 0) throw validationFailed(problems);
    const authority = actingAuthority(client);
    const after = page.after?.[0] as string | undefined;
    if (after !== undefined && !(await this.isOf(authority, after))) {
      throw new CursorError('is no position among this authority’s requests');
    }
    const now = this.clock.now();
    const records = await this.requests.list(
      {
        authority,
        state: state as RequestState | undefined,
        role: role as RequestSide | undefined,
        dueBefore: dueBefore as string | undefined,
        overdue: overdue === undefined ? undefined : overdue === 'true',
        after,
        // One more than asked: whether there is a next page at all.
        limit: page.size + 1,
      },
      this.today(now),
    );
    const { items, next } = pageOf(REQUESTS_CURSOR, records, page.size, (r) => [r.id]);
    return { requests: items.map((r) => RequestView.of(r, this.isOverdue(r, now))), next };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A request of this authority: its state, its deadline and its messages in order',
  })
  @ApiAnswer(
    {
      allOf: [
        ref(RequestView),
        object({
          messages: arrayOf(
            { allOf: [ref(MessageView), ref(ProtectionView)] },
            'the request’s messages, in order',
          ),
        }),
      ],
    },
    { models: [RequestView, MessageView, ProtectionView] },
  )
  async read(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    const authority = actingAuthority(client);
    const request = await this.requests.find(id);
    if (!request || !isParty(request, authority)) {
      throw new RequestsApiError(
        'REQUEST_UNKNOWN',
        `no request ${id} of ${authority} is held here`,
      );
    }
    const messages = await this.exchange.conversation(id);
    const bindings = await this.protection.bindings(messages);
    return {
      ...RequestView.of(request, this.isOverdue(request, this.clock.now())),
      messages: messages.map((m) => ({
        ...MessageView.of(m),
        ...ProtectionView.of(m, bindings.get(m.id)),
        recordedAt: m.recordedAt.toISOString(),
      })),
    };
  }

  /** MIG-10.3: each authority's own calendar date now. */
  private async isOf(authority: string, id: string): Promise<boolean> {
    const request = await this.requests.find(id);
    return request !== undefined && isParty(request, authority);
  }

  private today(now: Date): ReadonlyMap<string, string> {
    return new Map(
      this.config.treaty
        .allAuthorities()
        .map((a) => [a.code, localDate(now, this.config.treaty.authorityTimeZone(a.code))]),
    );
  }

  private isOverdue(r: RequestRecord, now: Date): boolean {
    return (
      r.closedAt === null &&
      r.dueOn !== null &&
      isOverdue(r.dueOn, now, this.config.treaty.authorityTimeZone(r.requested.authority))
    );
  }
}
