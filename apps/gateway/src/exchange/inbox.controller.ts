import {
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { decodeMessage } from '@mxg/envelope';
import { ExchangeError, validationFailed } from './exchange.errors';
import { ExchangeErrorFilter } from './exchange-error.filter';
import { assertMayRead } from './message-access';
import { MessageRepository } from './message.repository';
import { MessageView } from './message-view';
import { AcknowledgeMessage } from './use-cases/acknowledge-message/acknowledge-message.use-case';

/** What arrived for the client's authority, until its national system takes it (issue 5). */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
@UseGuards(BearerAuthGuard)
@Roles('publisher')
@UseFilters(ExchangeErrorFilter)
export class InboxController {
  constructor(
    private readonly messages: MessageRepository,
    private readonly acknowledge: AcknowledgeMessage,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Received messages for this authority not yet acknowledged, oldest first',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1–500, default 100' })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'recordedAt of the last message seen (ISO-8601)',
  })
  async list(
    @CurrentClient() client: AuthenticatedClient,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 500) {
      throw validationFailed([
        { field: 'limit', rule: 'range', message: 'must be an integer from 1 to 500' },
      ]);
    }
    const since = after === undefined ? undefined : new Date(after);
    if (since !== undefined && Number.isNaN(since.getTime())) {
      throw validationFailed([
        { field: 'after', rule: 'date', message: 'must be an ISO-8601 time' },
      ]);
    }
    if (client.authority === null)
      throw new ExchangeError('NOT_YOUR_AUTHORITY', `client ${client.id} acts for no authority`);
    const page = await this.messages.inbox(client.authority, size, since);
    return {
      messages: page.map((m) => ({ ...MessageView.of(m), recordedAt: m.recordedAt.toISOString() })),
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A received message: header, body and who signed it' })
  async read(@Param('id', ParseUUIDPipe) id: string, @CurrentClient() client: AuthenticatedClient) {
    const message = assertMayRead(client, await this.messages.find(id), id);
    if (message.direction !== 'incoming')
      throw new ExchangeError('MESSAGE_NOT_FOUND', `message ${id} was not received here`);
    const stored = await this.messages.content(id);
    const { header, body } = decodeMessage(stored!.content);
    return { ...MessageView.of(message), header, body, signedUrl: `/messages/${id}/signed` };
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The national system has taken the message: it leaves the inbox (audited)',
  })
  async ack(@Param('id', ParseUUIDPipe) id: string, @CurrentClient() client: AuthenticatedClient) {
    return MessageView.of(await this.acknowledge.execute(client, id));
  }
}
