import { Controller, Get, Headers, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { queryEntries } from '@mxg/audit';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { CMS_MEDIA_TYPES, JSON_MEDIA_TYPE } from '../api/media-types';
import { BodyOf, type RequestBody } from '../api/request-body.decorator';
import { contentDestroyed, ExchangeError, validationFailed } from './exchange.errors';
import { assertMayRead, assertMaySee } from './message-access';
import { ExchangeStore } from './store/exchange.store';
import { MessageView } from './message-view';
import { PersonalDataReads, PURPOSE_HEADER } from './personal-data-reads';
import { ProtectionView } from './protection-view';
import { ProtectionStore } from './store/protection.store';
import { SubmittedMessageView } from './submitted-message-view';
import { SubmitMessageDto } from './use-cases/submit-message/submit-message.command';
import { SubmitMessage } from './use-cases/submit-message/submit-message.use-case';
import { uuidParam } from './uuid-param';
import { apiPath } from '../api/api-version';
import {
  ApiAnswer,
  ApiBytesAnswer,
  arrayOf,
  int,
  nullable,
  object,
  ref,
  str,
} from '../api/openapi-answers';

/** The national-system API: submit, and follow what was sent (issue 5). */
@ApiTags('messages')
@ApiBearerAuth()
@ApiExtraModels(SubmitMessageDto)
@Controller('messages')
@UseGuards(BearerAuthGuard)
export class ExchangeController {
  constructor(
    private readonly submitMessage: SubmitMessage,
    private readonly messages: ExchangeStore,
    private readonly dataSource: DataSource,
    private readonly protection: ProtectionStore,
    private readonly reads: PersonalDataReads,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiAnswer(ref(SubmittedMessageView), {
    status: 202,
    description: 'accepted: sealed, to be published and delivered',
    models: [SubmittedMessageView],
  })
  @Roles('publisher')
  @ApiOperation({
    summary:
      'Submit a message: JSON signed by the gateway for the named signatory, or a CMS SignedData the signatory already made',
    description:
      'Answers at once with the message id; sealing is done, publishing and delivery continue asynchronously. ' +
      'Refusals carry a stable `code` and, for validation, `errors[]` naming field, rule and treaty article ' +
      '(for the body: the @mxg/messages code, e.g. FIELD_NOT_ALLOWED, DATE_INVALID, ATTACHMENT_TYPE_MISMATCH). ' +
      'An accepted message carries `warnings[]` in the same shape: findings that did not refuse it ' +
      '(LATIN_FORM_DIFFERS, TEXT_NOT_RUSSIAN). Body schemas: GET /schemas/{type}.',
  })
  @ApiConsumes(JSON_MEDIA_TYPE, ...CMS_MEDIA_TYPES)
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
    @BodyOf([JSON_MEDIA_TYPE, ...CMS_MEDIA_TYPES]) body: RequestBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentClient() client: AuthenticatedClient,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<SubmittedMessageView> {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw validationFailed([
        {
          field: 'Idempotency-Key',
          rule: 'format',
          message: 'must be 1–200 visible ASCII characters',
        },
      ]);
    }
    const result = await this.submitMessage.execute(
      client,
      body.mediaType === JSON_MEDIA_TYPE
        ? { kind: 'json', bytes: body.bytes }
        : { kind: 'signed', signedData: body.bytes },
      idempotencyKey,
    );
    if (result.replayed) response.header('Idempotent-Replayed', 'true');
    response.header('Location', apiPath(`/messages/${result.message.id}`));
    return SubmittedMessageView.ofResult(result);
  }

  @Get(':id')
  @Roles('publisher', 'security-officer', 'auditor')
  @ApiOperation({ summary: 'Status of a message and its timeline (from the audit log)' })
  @ApiAnswer(
    {
      allOf: [
        ref(MessageView),
        ref(ProtectionView),
        object({
          receipt: nullable(object({ status: str(), code: nullable(str()), recordedAt: str() })),
          timeline: arrayOf(
            object({ seq: int(), at: str(), event: str(), outcome: str(), code: nullable(str()) }),
            'its audit entries, in log order',
          ),
        }),
      ],
    },
    { models: [MessageView, ProtectionView] },
  )
  async status(
    @Param('id', uuidParam('id')) id: string,
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
      ...ProtectionView.of(message, await this.protection.binding(message)),
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
  @ApiBytesAnswer('application/pkcs7-mime', 'the signatory’s signed original (CMS SignedData, DER)')
  @ApiOperation({
    summary:
      'The signatory’s signed original (CMS SignedData, DER): `openssl cms -verify -inform DER` checks it (the read is audited, MIG-11.4)',
  })
  @ApiHeader({
    name: PURPOSE_HEADER,
    required: false,
    description: 'the purpose of this read, a purpose code (MIG-11.2); recorded in the audit entry',
  })
  async signed(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
    @Headers(PURPOSE_HEADER.toLowerCase()) statedPurpose: string | undefined,
    @Res() response: FastifyReply,
  ) {
    const message = assertMayRead(client, await this.messages.find(id), id);
    // MIG-11.4: on the record before any of it is returned; no entry, no read.
    await this.reads.record(client, message, {
      view: 'signed',
      boundPurpose: (await this.protection.binding(message)).purpose,
      statedPurpose,
    });
    const content = await this.messages.content(id);
    if (content?.state !== 'available') throw contentDestroyed(id);
    response.type('application/pkcs7-mime').send(content.signed);
  }

  @Get(':id/receipt')
  @Roles('publisher', 'security-officer', 'auditor')
  @ApiBytesAnswer('application/pkcs7-mime', 'the signed receipt (CMS SignedData, DER)')
  @ApiOperation({
    summary: 'The signed receipt (CMS SignedData, DER) sealed by the receiving gateway',
  })
  async receipt(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
    @Res() response: FastifyReply,
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
