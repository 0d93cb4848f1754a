import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { JSON_MEDIA_TYPE } from '../api/media-types';
import { BodyOf, type RequestBody } from '../api/request-body.decorator';
import { BatchResultView, batchResultView } from './batch-result-view';
import {
  BatchItemDto,
  MAX_BATCH_ITEMS,
  SubmitBatchDto,
} from './use-cases/submit-batch/submit-batch.command';
import { SubmitBatch } from './use-cases/submit-batch/submit-batch.use-case';
import { SubmitMessageDto } from './use-cases/submit-message/submit-message.command';

/** `POST /messages/batch`: many submissions in one request, each answered on its own (#16). */
@ApiTags('messages')
@ApiBearerAuth()
@ApiExtraModels(SubmitMessageDto, BatchItemDto, SubmitBatchDto)
@Controller('messages')
@UseGuards(BearerAuthGuard)
export class BatchSubmissionController {
  constructor(private readonly submitBatch: SubmitBatch) {}

  @Post('batch')
  @HttpCode(200)
  @Roles('publisher')
  @ApiOperation({
    summary: `Submit up to ${MAX_BATCH_ITEMS} messages at once, each answered on its own`,
    description:
      'Each item is exactly what `POST /messages` takes — a JSON message, or a pre-signed CMS ' +
      'SignedData in base64 — with its own `idempotencyKey` (the header of `POST /messages`), and ' +
      'gets the answer `POST /messages` would give it alone, in `items[]` in the same order: `status` ' +
      '202 with the message, or the refusal’s status with `{code, message, errors?}`. One item’s ' +
      'refusal does not fail the others; the call answers 200 whenever the batch itself could be read. ' +
      'The batch itself is refused whole when its body is not strict JSON (400 MALFORMED_JSON, ' +
      `JSON_NOT_REPRESENTABLE), not \`{items: [...]}\` with 1 to ${MAX_BATCH_ITEMS} items ` +
      '(400 VALIDATION_FAILED, 413 BATCH_TOO_LARGE) or over the body size limit (413 PAYLOAD_TOO_LARGE). ' +
      'Items are not ordered among themselves.',
  })
  @ApiConsumes(JSON_MEDIA_TYPE)
  @ApiBody({ type: SubmitBatchDto })
  @ApiOkResponse({ type: BatchResultView })
  async submit(
    @BodyOf([JSON_MEDIA_TYPE]) body: RequestBody,
    @CurrentClient() client: AuthenticatedClient,
  ): Promise<BatchResultView> {
    return batchResultView(await this.submitBatch.execute(client, body.bytes));
  }
}
