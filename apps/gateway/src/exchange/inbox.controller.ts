import { Controller, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { CursorError } from '../api/cursor';
import { ApiPageQueries, type LimitProblem, pageOf, readPage } from '../api/page';
import { decodeMessage } from '@mxg/envelope';
import { contentDestroyed, ExchangeError, validationFailed } from './exchange.errors';
import { assertMayRead } from './message-access';
import { ExchangeStore } from './store/exchange.store';
import { MessageView } from './message-view';
import { PersonalDataReads, PURPOSE_HEADER } from './personal-data-reads';
import { ProtectionView } from './protection-view';
import { ProtectionStore } from './store/protection.store';
import { uuidParam } from './uuid-param';
import { AcknowledgeMessage } from './use-cases/acknowledge-message/acknowledge-message.use-case';
import { apiPath } from '../api/api-version';
import { ApiAnswer, ApiPageAnswer, object, ref, str } from '../api/openapi-answers';

/** The inbox's cursors: a message's id, its place in (recordedAt, id) order. */
const INBOX_CURSOR = 'inbox';

/** What arrived for the client's authority, until its national system takes it (issue 5). */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
@UseGuards(BearerAuthGuard)
@Roles('publisher')
export class InboxController {
  constructor(
    private readonly messages: ExchangeStore,
    private readonly acknowledge: AcknowledgeMessage,
    private readonly protection: ProtectionStore,
    private readonly reads: PersonalDataReads,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Received messages for this authority not yet acknowledged, oldest first',
  })
  @ApiPageQueries()
  @ApiPageAnswer('messages', {
    allOf: [ref(MessageView), ref(ProtectionView), object({ recordedAt: str() })],
  })
  @ApiExtraModels(MessageView, ProtectionView)
  async list(
    @CurrentClient() client: AuthenticatedClient,
    @Query('limit') limit?: unknown,
    @Query('cursor') cursor?: unknown,
  ) {
    const problems: LimitProblem[] = [];
    const page = readPage(INBOX_CURSOR, ['uuid'], { limit, cursor }, problems);
    if (problems.length > 0) throw validationFailed(problems);
    if (client.authority === null)
      throw new ExchangeError('NOT_YOUR_AUTHORITY', `client ${client.id} acts for no authority`);
    const after = page.after?.[0] as string | undefined;
    // One more than asked: whether there is a next page at all.
    const found = await this.messages.inbox(client.authority, page.size + 1, after);
    if (found === undefined) {
      // A well-formed position this authority's inbox never held: forged, or another's.
      throw new CursorError('is no position in this authority’s inbox');
    }
    const { items, next } = pageOf(INBOX_CURSOR, found, page.size, (m) => [m.id]);
    // Routing data, the bound purpose and restriction codes: no content, so no personal-data read.
    const bindings = await this.protection.bindings(items);
    return {
      messages: items.map((m) => ({
        ...MessageView.of(m),
        ...ProtectionView.of(m, bindings.get(m.id)),
        recordedAt: m.recordedAt.toISOString(),
      })),
      next,
    };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A received message: header, body and who signed it (the read is audited, MIG-11.4)',
  })
  @ApiHeader({
    name: PURPOSE_HEADER,
    required: false,
    description: 'the purpose of this read, a purpose code (MIG-11.2); recorded in the audit entry',
  })
  @ApiAnswer(
    {
      allOf: [
        ref(MessageView),
        ref(ProtectionView),
        object({
          header: { type: 'object', description: 'the signed header' },
          body: { type: 'object', description: 'the body: GET /v1/schemas/{type}' },
          signedUrl: str('where the signatory’s signed original is'),
        }),
      ],
    },
    { models: [MessageView, ProtectionView] },
  )
  async read(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
    @Headers(PURPOSE_HEADER.toLowerCase()) statedPurpose: string | undefined,
  ) {
    const message = assertMayRead(client, await this.messages.find(id), id);
    if (message.direction !== 'incoming')
      throw new ExchangeError('MESSAGE_NOT_FOUND', `message ${id} was not received here`);
    const binding = await this.protection.binding(message);
    // MIG-11.4: on the record before any of it is returned; no entry, no read.
    await this.reads.record(client, message, {
      view: 'body',
      boundPurpose: binding.purpose,
      statedPurpose,
    });
    const stored = await this.messages.content(id);
    if (stored?.state !== 'available') throw contentDestroyed(id);
    const { header, body } = decodeMessage(stored.content);
    return {
      ...MessageView.of(message),
      ...ProtectionView.of(message, binding),
      header,
      body,
      signedUrl: apiPath(`/messages/${id}/signed`),
    };
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The national system has taken the message: it leaves the inbox (audited)',
  })
  @ApiAnswer(ref(MessageView), { models: [MessageView] })
  async ack(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    return MessageView.of(await this.acknowledge.execute(client, id));
  }
}
