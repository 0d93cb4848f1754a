import { CursorError } from '../api/cursor';
import { ApiPageQueries, pageOf, readPage } from '../api/page';
import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { isUuid } from '@mxg/core';
import { CONSENT_STATES, type ConsentState } from '@mxg/lifecycle';
import { CONSENT_USES, type ConsentUse } from '@mxg/messages';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { type FieldProblem, validationFailed } from '../exchange/exchange.errors';
import { actingAuthority } from '../exchange/message-access';
import { ConsentStore } from '../exchange/store/consent.store';
import type { ConsentRecord } from '../exchange/store/consent.types';
import { uuidParam } from '../exchange/uuid-param';
import { ConsentView } from './consent-view';
import { ConsentsApiError } from './consents.errors';
import { ApiPageAnswer } from '../api/openapi-answers';

/** The consents' cursors: a consent's id, its place in (requestedAt, id) order. */
const CONSENTS_CURSOR = 'consents';

/**
 * The consent registry (MIG-11.2, MIG-11.3): a national system sees the consents its authority
 * asked for or was asked for; auditors and security officers see every one.
 */
@ApiTags('consents')
@ApiBearerAuth()
@Controller('consents')
@UseGuards(BearerAuthGuard)
@Roles('publisher', 'security-officer', 'auditor')
export class ConsentsController {
  constructor(private readonly consents: ConsentStore) {}

  @Get()
  @ApiOperation({ summary: 'Consents, in the order they were requested' })
  @ApiQuery({ name: 'state', required: false, enum: CONSENT_STATES })
  @ApiQuery({ name: 'use', required: false, enum: CONSENT_USES })
  @ApiQuery({ name: 'message', required: false, description: 'consents naming this message id' })
  @ApiPageQueries()
  @ApiPageAnswer('consents', ConsentView)
  async list(
    @CurrentClient() client: AuthenticatedClient,
    @Query('state') state?: unknown,
    @Query('use') use?: unknown,
    @Query('message') message?: unknown,
    @Query('limit') limit?: unknown,
    @Query('cursor') cursor?: unknown,
  ) {
    const problems: FieldProblem[] = [];
    const bad = (field: string, rule: string, text: string) =>
      problems.push({ field, rule, message: text });
    if (state !== undefined && !(CONSENT_STATES as readonly unknown[]).includes(state))
      bad('state', 'value', `must be one of ${CONSENT_STATES.join(', ')}`);
    if (use !== undefined && !(CONSENT_USES as readonly unknown[]).includes(use))
      bad('use', 'value', `must be one of ${CONSENT_USES.join(', ')}`);
    if (message !== undefined && !(typeof message === 'string' && isUuid(message)))
      bad('message', 'uuid', 'must be a message id (UUID)');
    const page = readPage(CONSENTS_CURSOR, ['uuid'], { limit, cursor }, problems);
    if (problems.length > 0) throw validationFailed(problems);
    let from: ConsentRecord | undefined;
    if (page.after !== undefined) {
      from = await this.consents.find(page.after[0] as string);
      if (!from || !this.maySee(client, from)) {
        throw new CursorError('is no position among the consents this client may see');
      }
    }
    const found = await this.consents.list({
      authority: this.overseer(client) ? undefined : actingAuthority(client),
      state: state as ConsentState | undefined,
      use: use as ConsentUse | undefined,
      message: message as string | undefined,
      after: from && { requestedAt: from.requestedAt, id: from.id },
      // One more than asked: whether there is a next page at all.
      limit: page.size + 1,
    });
    const { items, next } = pageOf(CONSENTS_CURSOR, found, page.size, (c) => [c.id]);
    return { consents: items.map((c) => ConsentView.of(c)), next };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A consent: its state, the messages it names, its grant’s validity' })
  @ApiOkResponse({ type: ConsentView })
  async read(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ): Promise<ConsentView> {
    const consent = await this.consents.find(id);
    if (!consent || !this.maySee(client, consent)) {
      throw new ConsentsApiError('CONSENT_UNKNOWN', `no consent ${id} is visible to this client`);
    }
    return ConsentView.of(consent);
  }

  private overseer(client: AuthenticatedClient): boolean {
    return client.roles.includes('auditor') || client.roles.includes('security-officer');
  }

  private maySee(client: AuthenticatedClient, c: ConsentRecord): boolean {
    return (
      this.overseer(client) ||
      (client.authority !== null &&
        [c.requester.authority, c.provider.authority].includes(client.authority))
    );
  }
}
