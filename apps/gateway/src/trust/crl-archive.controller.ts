import { createHash } from 'node:crypto';
import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ArchivedCrl, TrustStore } from '@mxg/envelope';
import { apiPath } from '../api/api-version';
import { CursorError } from '../api/cursor';
import { ApiPageQueries, type LimitProblem, pageOf, readPage } from '../api/page';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { validationFailed } from '../exchange/exchange.errors';
import { TRUST_STORE } from '../envelope/envelope.constants';
import { TrustError } from './trust.errors';
import { ApiBytesAnswer, ApiPageAnswer, int, nullable, object, str } from '../api/openapi-answers';

const SHA256 = /^[0-9a-f]{64}$/;

/** The archive's cursors: a CRL's SHA-256, its place in the archive (oldest first). */
const CRLS_CURSOR = 'crls';

/**
 * The CRL archive as evidence (MIG-9.3, MIG-11.4): every CRL version of every party this
 * gateway has seen, with when it was fetched and from where, listed and downloadable exactly as
 * received — what a security officer hands `mxg verify --crl` to re-check an old message's
 * revocation as of its signing time away from the gateway. Read-only: the archive is
 * append-only (`crl_archive`).
 */
@ApiTags('pki')
@ApiBearerAuth()
@Controller('crl-archive')
@UseGuards(BearerAuthGuard)
@Roles('security-officer', 'auditor', 'administrator')
export class CrlArchiveController {
  constructor(@Inject(TRUST_STORE) private readonly trust: TrustStore) {}

  @Get()
  @ApiOperation({ summary: 'Every archived CRL version of a party, oldest first (MIG-11.4)' })
  @ApiQuery({ name: 'party', required: true, example: 'KZ' })
  @ApiPageQueries()
  @ApiPageAnswer(
    'crls',
    object({
      crlNumber: nullable(str()),
      thisUpdate: str(),
      nextUpdate: nullable(str()),
      revoked: int('how many certificates it revokes'),
      sha256: str(),
      fetchedAt: str(),
      source: str('url:<its distribution point>, or where else it came from'),
      href: str('where to download it exactly as archived'),
    }),
    { party: str() },
  )
  list(
    @Query('party') party?: unknown,
    @Query('limit') limit?: unknown,
    @Query('cursor') cursor?: unknown,
  ) {
    const code = this.knownParty(party);
    const problems: LimitProblem[] = [];
    const page = readPage(CRLS_CURSOR, ['string'], { limit, cursor }, problems);
    if (problems.length > 0) throw validationFailed(problems);
    const archive = this.trust.party(code).archive;
    // The archive only grows, oldest first: a page resumes after the CRL its cursor names.
    const start =
      page.after === undefined ? 0 : archive.findIndex((crl) => sha256(crl) === page.after![0]) + 1;
    if (start === 0 && page.after !== undefined) {
      throw new CursorError(`is no position in ${code}’s CRL archive`);
    }
    const { items, next } = pageOf(
      CRLS_CURSOR,
      archive.slice(start, start + page.size + 1),
      page.size,
      (crl) => [sha256(crl)],
    );
    return {
      party: code,
      next,
      crls: items.map((crl) => ({
        crlNumber: crl.info.crlNumber === undefined ? null : String(crl.info.crlNumber),
        thisUpdate: crl.info.thisUpdate.toISOString(),
        nextUpdate: crl.info.nextUpdate?.toISOString() ?? null,
        revoked: crl.info.revokedCount,
        sha256: sha256(crl),
        fetchedAt: crl.fetchedAt.toISOString(),
        source: crl.source,
        href: apiPath(`/crl-archive/${code}/${sha256(crl)}.crl`),
      })),
    };
  }

  @Get(':party/:file')
  @ApiParam({ name: 'party', example: 'KZ' })
  @ApiParam({ name: 'file', description: '<sha256 of the DER>.crl' })
  @ApiBytesAnswer('application/pkix-crl', 'the CRL (DER) exactly as archived')
  @ApiOperation({ summary: 'One archived CRL, DER exactly as received; 404 CRL_NOT_FOUND' })
  one(
    @Param('party') party: string,
    @Param('file') file: string,
    @Res() response: FastifyReply,
  ): void {
    const code = this.knownParty(party);
    const digest = file.endsWith('.crl') ? file.slice(0, -4) : file;
    const crl = SHA256.test(digest)
      ? this.trust.party(code).archive.find((c) => sha256(c) === digest)
      : undefined;
    if (!crl) throw new TrustError('CRL_NOT_FOUND', `no archived CRL of ${code} has that digest`);
    response.type('application/pkix-crl').send(Buffer.from(crl.der));
  }

  private knownParty(party: unknown): string {
    if (typeof party !== 'string' || !this.trust.parties().includes(party)) {
      throw validationFailed([
        { field: 'party', rule: 'value', message: 'must be a party this gateway trusts, e.g. KZ' },
      ]);
    }
    return party;
  }
}

const digests = new WeakMap<ArchivedCrl, string>();

function sha256(crl: ArchivedCrl): string {
  let digest = digests.get(crl);
  if (!digest) {
    digest = createHash('sha256').update(crl.der).digest('hex');
    digests.set(crl, digest);
  }
  return digest;
}
