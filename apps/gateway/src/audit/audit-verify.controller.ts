import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { StoredLogReport } from '@mxg/audit';
import { HttpApiError } from '../api/api-errors';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { VerifyStoredLog } from './use-cases/verify-stored-log/verify-stored-log.use-case';
import { ApiAnswer, arrayOf, int, nullable, object, str } from '../api/openapi-answers';

/**
 * The auditor's one-click check of the stored log (the console's "verify", issue #17). Done by
 * the gateway, with libs/audit's verifier: an auditor who will not take the gateway's word
 * exports the log and runs `mxg audit verify` on a machine of their own.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/verify')
@UseGuards(BearerAuthGuard)
@Roles('auditor')
export class AuditVerifyController {
  constructor(private readonly verifyStoredLog: VerifyStoredLog) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Verify the stored log: checkpoint signature, every entry against its leaf, the signed root, and each witness’s latest countersignature',
  })
  @ApiAnswer(
    object({
      verdict: str(undefined, { enum: ['VALID', 'INVALID'] }),
      origin: str('the log, e.g. mxg.kz/audit'),
      treeSize: nullable(int('the latest checkpoint’s size')),
      rootHash: nullable(str('its root hash, base64')),
      signedAt: nullable(str('when it was signed')),
      checks: arrayOf(
        object({ name: str(), ok: { type: 'boolean' }, detail: str() }),
        'each check, in order',
      ),
      witnesses: arrayOf(
        object({ witness: str(), treeSize: int(), receivedAt: str(), ok: { type: 'boolean' } }),
        'each witness’s latest countersignature, checked',
      ),
    }),
  )
  verify(@Req() request: FastifyRequest): Promise<StoredLogReport> {
    // The call takes no body: one sent anyway is refused rather than silently ignored.
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > 0 || request.headers['transfer-encoding'] !== undefined) {
      throw new HttpApiError('UNSUPPORTED_MEDIA_TYPE', 'POST /v1/audit/verify takes no body');
    }
    return this.verifyStoredLog.execute();
  }
}
