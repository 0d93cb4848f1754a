import { Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { BodyOf, type RequestBody } from '../api/request-body.decorator';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { SIGNATURE_CHECK_REPORT_SCHEMA } from './signature-check.openapi';
import { readSignatureUpload, SIGNATURE_UPLOAD_MEDIA_TYPES } from './signature-upload';
import {
  CheckSignature,
  type SignatureCheckAnswer,
} from './use-cases/check-signature/check-signature.use-case';

/**
 * Issue #17: a security officer's or auditor's check of any MXG signature file against what this
 * gateway trusts — the same per-check report as `mxg verify --json`. Publishers are not let in:
 * a national system's own pre-signed submissions are checked by `POST /v1/messages` already, and
 * weighing evidence (MIG-9.3, MIG-11.4) is the officers' and auditors' job, each check audited.
 */
@ApiTags('signatures')
@ApiBearerAuth()
@Controller('signatures')
@UseGuards(BearerAuthGuard)
@Roles('security-officer', 'auditor')
export class SignatureCheckController {
  constructor(private readonly checkSignature: CheckSignature) {}

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check a signature file as `mxg verify` does (MIG-9.3, MIG-11.4)',
    description:
      'The body is the file as it is — an envelope (.p7m: only its seal is checked, nothing is decrypted), a signatory signature, a receipt, or any CMS SignedData — DER or PEM. For a detached signature send multipart/form-data with parts `signature` and `content`. The verdict (`valid`, `invalid`, `could-not-check`) is data: 200 either way. Bytes that are not CMS: 400 MALFORMED_ENVELOPE; a detached signature without content: 422 DETACHED_CONTENT_MISSING; a signer no trusted CA issued: 422 SIGNER_PARTY_UNKNOWN; over the size limit: 413; another media type: 415. Audited as `signature.checked` (SHA-256 of the file, verdict, code).',
  })
  @ApiConsumes(...SIGNATURE_UPLOAD_MEDIA_TYPES)
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'string', format: 'binary', description: 'the signature file, DER or PEM' },
        {
          type: 'object',
          required: ['signature'],
          properties: {
            signature: { type: 'string', format: 'binary' },
            content: { type: 'string', format: 'binary', description: 'the signed content' },
          },
        },
      ],
    },
  })
  @ApiOkResponse({ description: 'the per-check report', schema: SIGNATURE_CHECK_REPORT_SCHEMA })
  async verify(
    @CurrentClient() client: AuthenticatedClient,
    @BodyOf(SIGNATURE_UPLOAD_MEDIA_TYPES) body: RequestBody,
    @Headers('content-type') contentType: string | undefined,
  ): Promise<SignatureCheckAnswer> {
    return this.checkSignature.execute(client, await readSignatureUpload(body, contentType));
  }
}
