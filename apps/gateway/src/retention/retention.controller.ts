import { Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { MxgError } from '@mxg/core';
import { EARLY_DESTRUCTION_REASONS } from '@mxg/messages';
import type { z } from 'zod';
import { JSON_MEDIA_TYPE } from '../api/media-types';
import { BodyOf, type RequestBody } from '../api/request-body.decorator';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { assertMaySee } from '../exchange/message-access';
import { MessageView } from '../exchange/message-view';
import { ExchangeStore } from '../exchange/store/exchange.store';
import { RetentionStore, type RetentionRecord } from '../exchange/store/retention.store';
import { uuidParam } from '../exchange/uuid-param';
import { destroyCommandSchema, holdCommandSchema, readCommand } from './retention.commands';
import { DestroyMessage } from './use-cases/destroy-message/destroy-message.use-case';
import { HoldMessage, officerActor } from './use-cases/hold-message/hold-message.use-case';
import { ApiAnswer, arrayOf, nullable, object, ref, str } from '../api/openapi-answers';

const retentionView = (r: RetentionRecord | undefined) => ({
  categories: r?.categories ?? [],
  rule: r?.rule ?? 'kept',
  retainUntil: r?.retainUntil?.toISOString() ?? null,
  hold: r?.hold
    ? { at: r.hold.at.toISOString(), reference: r.hold.reference, by: r.hold.by }
    : null,
});

const RETENTION_SCHEMA = object({
  categories: arrayOf(str(), 'its data categories'),
  rule: str('the rule that keeps it (config/retention.yaml), or `kept`'),
  retainUntil: nullable(str('destroyed after this instant unless held')),
  hold: nullable(object({ at: str(), reference: str(), by: str() })),
});

/** MIG-11.5: a message's retention, legal holds and early destruction (docs/retention.md). */
@ApiTags('retention')
@ApiBearerAuth()
@Controller('messages')
@UseGuards(BearerAuthGuard)
export class RetentionController {
  constructor(
    private readonly messages: ExchangeStore,
    private readonly retention: RetentionStore,
    private readonly holds: HoldMessage,
    private readonly destroyer: DestroyMessage,
    private readonly config: MxgConfigService,
    private readonly audit: AuditAppender,
  ) {}

  /** Reads a command; one that is refused is on the record, by code (no content). */
  private async command<S extends z.ZodType>(
    schema: S,
    body: RequestBody,
    client: AuthenticatedClient,
    id: string,
    type: 'data.held' | 'data.destroyed',
  ): Promise<z.infer<S>> {
    try {
      return readCommand(schema, body.bytes);
    } catch (error) {
      if (error instanceof MxgError) {
        await this.audit.append({
          type,
          actor: officerActor(client),
          parties: [this.config.gateway.party],
          outcome: 'failure',
          errorCode: error.code,
          details: { requestedId: id },
        });
      }
      throw error;
    }
  }

  @Get(':id/retention')
  @Roles('publisher', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Until when a message is kept, by which rule, any legal hold' })
  @ApiAnswer({
    allOf: [
      RETENTION_SCHEMA,
      object({ destroyed: nullable(object({ at: str(), reason: str() })) }),
    ],
  })
  async show(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    const message = assertMaySee(client, await this.messages.find(id), id);
    return {
      ...retentionView(await this.retention.retention(id)),
      destroyed: MessageView.of(message).destroyed,
    };
  }

  @Put(':id/hold')
  @HttpCode(200)
  @Roles('security-officer')
  @ApiOperation({ summary: 'Put a legal hold on a message: never destroyed while held (audited)' })
  @ApiBody({ schema: { type: 'object', properties: { reference: { type: 'string' } } } })
  @ApiAnswer(RETENTION_SCHEMA)
  async hold(
    @Param('id', uuidParam('id')) id: string,
    @BodyOf([JSON_MEDIA_TYPE]) body: RequestBody,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    const { reference } = await this.command(holdCommandSchema, body, client, id, 'data.held');
    return retentionView(await this.holds.hold(client, id, reference));
  }

  @Delete(':id/hold')
  @HttpCode(200)
  @Roles('security-officer')
  @ApiOperation({ summary: 'Lift the legal hold: destroyed when due again (audited)' })
  @ApiAnswer(RETENTION_SCHEMA)
  async release(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    return retentionView(await this.holds.release(client, id));
  }

  @Post(':id/destroy')
  @HttpCode(200)
  @Roles('security-officer')
  @ApiOperation({
    summary: 'Destroy a message before it is due, for a reason from the closed list (audited)',
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        reason: { type: 'string', enum: [...EARLY_DESTRUCTION_REASONS] },
        reference: { type: 'string' },
      },
      required: ['reason'],
    },
  })
  @ApiAnswer(ref(MessageView), { models: [MessageView] })
  async destroy(
    @Param('id', uuidParam('id')) id: string,
    @BodyOf([JSON_MEDIA_TYPE]) body: RequestBody,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    const { reason, reference } = await this.command(
      destroyCommandSchema,
      body,
      client,
      id,
      'data.destroyed',
    );
    return MessageView.of(await this.destroyer.execute(client, id, reason, reference ?? null));
  }
}
