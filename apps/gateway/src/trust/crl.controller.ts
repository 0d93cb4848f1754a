import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MxgConfigService } from '@mxg/config';
import type { TrustStore } from '@mxg/envelope';
import { crlEndpointPath } from '@mxg/pki';
import { TRUST_STORE } from '../envelope/envelope.constants';
import { newestCrl } from './newest-crl';
import { TrustError } from './trust.errors';
import { ApiBytesAnswer } from '../api/openapi-answers';

/**
 * This gateway's party's CRL, where its certificates' CRL distribution point says it is
 * (`/pki/<party>.crl`): the newest CRL of the party's CA that the trust store has taken from
 * the CRL file `mxg pki revoke` rewrites — validated, never a file half written. Public and
 * unauthenticated, as RFC 5280 §4.2.1.13 distribution points are: a CRL is signed, and says
 * only which serials are revoked.
 */
@ApiTags('pki')
@Controller('pki')
export class CrlController {
  constructor(
    @Inject(TRUST_STORE) private readonly trust: TrustStore,
    private readonly config: MxgConfigService,
  ) {}

  @Get(':file')
  @ApiParam({ name: 'file', example: 'kz.crl' })
  @ApiBytesAnswer('application/pkix-crl', 'the party’s current CRL (DER)')
  @ApiOperation({
    summary:
      "This gateway's party's CRL (DER, application/pkix-crl), the CRL distribution point of its certificates; 404 CRL_NOT_FOUND for any other name",
  })
  crl(@Param('file') file: string, @Res() response: FastifyReply): void {
    const party = this.config.gateway.party;
    const path = crlEndpointPath(party);
    if (`/pki/${file}` !== path) {
      throw new TrustError('CRL_NOT_FOUND', `this gateway serves only ${path}`);
    }
    const newest = newestCrl(this.trust.party(party).archive);
    if (!newest) {
      throw new TrustError('CRL_NOT_AVAILABLE', `no CRL of ${party} is in use at this gateway`);
    }
    response
      .type('application/pkix-crl')
      // Fetched again before nextUpdate by relying parties; a cache must not hold a revocation back.
      .header('Cache-Control', 'no-cache')
      .send(Buffer.from(newest.der));
  }
}
