import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { X509Certificate } from 'node:crypto';
import { MxgConfigService, withinDays } from '@mxg/config';
import { Clock } from '@mxg/core';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { type FieldProblem, validationFailed } from '../exchange/exchange.errors';
import { SIGNATORY_DIRECTORY } from './signatories.constants';
import { firstExchanges } from './first-exchange';
import { certificateSha256 } from './signatory-list-update';
import type { StoredSignatoryDirectory } from './stored-signatory-directory';
import { ApiAnswer, arrayOf, int, nullable, object, str } from '../api/openapi-answers';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A signatory list version as the API shows it (versionView). */
const VERSION_PROPERTIES = {
  version: int(),
  effectiveFrom: str(),
  messageId: str('the signatory-list-update it came in'),
  direction: str(undefined, { enum: ['sent', 'received'] }),
  listSha256: str(),
  appliedAt: str(),
};

function certificateView(certificate: X509Certificate, at: Date) {
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  return {
    serial: certificate.serialNumber,
    sha256: certificateSha256(certificate),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    validAt: notBefore <= at && at <= notAfter,
  };
}

/**
 * MIG-9.3, MIG-9.4: who could sign for an authority on a given day, as this gateway judges
 * signatures — the list version in force then (received or sent as a `signatory-list-update`)
 * or, before any, configuration — and the first exchange of lists MIG-9.3 requires.
 */
@ApiTags('signatories')
@ApiBearerAuth()
@Controller('signatories')
@UseGuards(BearerAuthGuard)
@Roles('publisher', 'security-officer', 'auditor', 'administrator')
export class SignatoriesController {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    @Inject(SIGNATORY_DIRECTORY) private readonly directory: StoredSignatoryDirectory,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Who could sign for an authority on a day (MIG-9.3, MIG-9.4)' })
  @ApiQuery({ name: 'authority', required: true, description: 'e.g. KZ-MVD' })
  @ApiQuery({
    name: 'at',
    required: false,
    description: 'a day YYYY-MM-DD (midday UTC) or an instant (ISO 8601); default now',
  })
  @ApiAnswer(
    object({
      authority: str(),
      at: str(),
      list: object(
        {
          source: str(undefined, { enum: ['configuration', 'message'] }),
          ...VERSION_PROPERTIES,
        },
        Object.keys(VERSION_PROPERTIES),
      ),
      signatories: arrayOf(
        object(
          {
            id: str(),
            position: str(),
            validFrom: str(),
            validTo: nullable(str()),
            certificates: arrayOf(
              object({
                serial: str(),
                sha256: str(),
                notBefore: str(),
                notAfter: str(),
                validAt: { type: 'boolean' },
              }),
            ),
          },
          ['validFrom', 'validTo'],
        ),
      ),
      history: arrayOf(object(VERSION_PROPERTIES), 'every list version received or sent'),
    }),
  )
  list(@Query('authority') authority?: unknown, @Query('at') at?: unknown) {
    const problems: FieldProblem[] = [];
    const known = typeof authority === 'string' && this.isAuthority(authority);
    if (!known) {
      problems.push({
        field: 'authority',
        rule: 'value',
        message: 'must be a registered competent authority such as KZ-MVD',
        treaty: 'MIG-2',
      });
    }
    const when = at === undefined ? this.clock.now() : parseAt(at);
    if (when === undefined) {
      problems.push({ field: 'at', rule: 'date', message: 'must be YYYY-MM-DD or an ISO instant' });
    }
    if (problems.length > 0 || !known || when === undefined) throw validationFailed(problems);
    const code = authority;
    const inForce = this.directory.inForce(code, when);
    const signatories =
      inForce.source === 'message'
        ? inForce.list.signatories.map((s) => ({
            id: s.id,
            position: s.position,
            certificates: s.certificates.map((c) => certificateView(c, when)),
          }))
        : this.config.treaty
            .signatoriesOf(code)
            .filter((s) => withinDays(when, s.validFrom, s.validTo))
            .map((s) => ({
              id: s.id,
              position: s.position,
              validFrom: s.validFrom,
              validTo: s.validTo,
              certificates: (
                this.directory.configuredEntries(code).find((e) => e.id === s.id)?.certificates ??
                []
              ).map((c) => certificateView(c, when)),
            }));
    return {
      authority: code,
      at: when.toISOString(),
      list:
        inForce.source === 'message'
          ? { source: 'message', ...versionView(inForce.list) }
          : { source: 'configuration' },
      signatories,
      history: this.directory.history(code).map(versionView),
    };
  }

  @Get('exchange')
  @ApiOperation({
    summary: 'MIG-9.3: the first exchange of signatory lists, due 45 days after entry into force',
  })
  @ApiAnswer(
    object({
      exchanges: arrayOf(
        object({
          agreement: str(),
          inForceFrom: str(),
          dueOn: str(),
          peers: arrayOf(
            object({
              authority: str(),
              sentOn: nullable(str()),
              receivedOn: nullable(str()),
              status: str(undefined, { enum: ['met', 'overdue', 'pending'] }),
            }),
          ),
        }),
      ),
    }),
  )
  exchange() {
    const party = this.config.gateway.party;
    const history = this.config.treaty
      .allAuthorities()
      .flatMap((a) => this.directory.history(a.code));
    return { exchanges: firstExchanges(this.config.treaty, party, history, this.clock.now()) };
  }

  private isAuthority(code: string): boolean {
    return this.config.treaty.allAuthorities().some((a) => a.code === code);
  }
}

function versionView(v: {
  version: number;
  effectiveFrom: string;
  messageId: string;
  direction: 'sent' | 'received';
  listSha256: string;
  appliedAt: Date;
}) {
  return {
    version: v.version,
    effectiveFrom: v.effectiveFrom,
    messageId: v.messageId,
    direction: v.direction,
    listSha256: v.listSha256,
    appliedAt: v.appliedAt.toISOString(),
  };
}

function parseAt(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  if (DATE.test(value)) {
    const day = new Date(`${value}T12:00:00Z`);
    return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value
      ? undefined
      : day;
  }
  const instant = new Date(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(instant.getTime())
    ? instant
    : undefined;
}
