import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { queryEntries } from '@mxg/audit';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { ExchangeError, type FieldProblem, validationFailed } from './exchange.errors';
import { ExchangeErrorFilter } from './exchange-error.filter';
import { assertMayRead, assertMaySee } from './message-access';
import { MessageRepository } from './message.repository';
import { MessageView } from './message-view';
import { SubmitMessageDto } from './use-cases/submit-message/submit-message.command';
import { SubmitMessage, type Submission } from './use-cases/submit-message/submit-message.use-case';

export const CMS_MEDIA_TYPES = ['application/pkcs7-mime', 'application/cms'];

/** The national-system API: submit, and follow what was sent (issue 5). */
@ApiTags('messages')
@ApiBearerAuth()
@ApiExtraModels(SubmitMessageDto)
@Controller('messages')
@UseGuards(BearerAuthGuard)
@UseFilters(ExchangeErrorFilter)
export class ExchangeController {
  constructor(
    private readonly submitMessage: SubmitMessage,
    private readonly messages: MessageRepository,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('publisher')
  @ApiOperation({
    summary:
      'Submit a message: JSON signed by the gateway for the named signatory, or a CMS SignedData the signatory already made',
    description:
      'Answers at once with the message id; sealing is done, publishing and delivery continue asynchronously. ' +
      'Refusals carry a stable `code` and, for validation, `errors[]` naming field, rule and treaty article.',
  })
  @ApiConsumes('application/json', ...CMS_MEDIA_TYPES)
  @ApiBody({
    schema: {
      oneOf: [{ $ref: getSchemaPath(SubmitMessageDto) }, { type: 'string', format: 'binary' }],
    },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retried submit with the same key returns the first answer',
  })
  async submit(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentClient() client: AuthenticatedClient,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageView> {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw validationFailed([
        {
          field: 'Idempotency-Key',
          rule: 'format',
          message: 'must be 1–200 visible ASCII characters',
        },
      ]);
    }
    const submission = await toSubmission(body, contentType);
    const result = await this.submitMessage.execute(client, submission, idempotencyKey);
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    response.setHeader('Location', `/messages/${result.message.id}`);
    return MessageView.of(result.message);
  }

  @Get(':id')
  @Roles('publisher', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Status of a message and its timeline (from the audit log)' })
  async status(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    const message = assertMaySee(client, await this.messages.find(id), id);
    const timeline = await queryEntries(this.dataSource, { messageId: id, limit: 200 });
    const receipt = await this.messages.receipt(
      id,
      message.direction === 'outgoing' ? 'received' : 'sent',
    );
    return {
      ...MessageView.of(message),
      receipt: receipt && {
        status: receipt.status,
        code: receipt.code,
        recordedAt: receipt.recordedAt.toISOString(),
      },
      timeline: timeline.map((e) => ({
        seq: e.seq,
        at: e.time.toISOString(),
        event: e.type,
        outcome: e.outcome,
        code: e.errorCode,
      })),
    };
  }

  @Get(':id/signed')
  @Roles('publisher')
  @ApiProduces('application/pkcs7-mime')
  @ApiOperation({
    summary:
      'The signatory’s signed original (CMS SignedData, DER): `openssl cms -verify -inform DER` checks it',
  })
  async signed(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentClient() client: AuthenticatedClient,
    @Res() response: Response,
  ) {
    assertMayRead(client, await this.messages.find(id), id);
    const content = await this.messages.content(id);
    response.type('application/pkcs7-mime').send(content!.signed);
  }

  @Get(':id/receipt')
  @Roles('publisher', 'security-officer', 'auditor')
  @ApiProduces('application/pkcs7-mime')
  @ApiOperation({
    summary: 'The signed receipt (CMS SignedData, DER) sealed by the receiving gateway',
  })
  async receipt(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentClient() client: AuthenticatedClient,
    @Res() response: Response,
  ) {
    const message = assertMaySee(client, await this.messages.find(id), id);
    const receipt = await this.messages.receipt(
      id,
      message.direction === 'outgoing' ? 'received' : 'sent',
    );
    if (!receipt) throw new ExchangeError('MESSAGE_NOT_FOUND', `no receipt for message ${id} yet`);
    response.type('application/pkcs7-mime').send(receipt.signed);
  }
}

async function toSubmission(body: unknown, contentType: string | undefined): Promise<Submission> {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (CMS_MEDIA_TYPES.includes(media)) {
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw validationFailed([
        { field: 'body', rule: 'required', message: 'a DER-encoded CMS SignedData is required' },
      ]);
    }
    return { kind: 'signed', signedData: new Uint8Array(body) };
  }
  if (media !== 'application/json') {
    throw new ExchangeError(
      'VALIDATION_FAILED',
      `Content-Type must be application/json or ${CMS_MEDIA_TYPES.join(' or ')}`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailed([
      { field: 'body', rule: 'object', message: 'the request body must be a JSON object' },
    ]);
  }
  const dto = plainToInstance(SubmitMessageDto, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw validationFailed(flatten(errors));
  return { kind: 'json', dto };
}

function flatten(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = `${prefix}${e.property}`;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule,
      message: message.replace(new RegExp(`^${e.property} `), ''),
    }));
    return [...own, ...flatten(e.children ?? [], `${field}.`)];
  });
}
