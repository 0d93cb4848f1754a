import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { decodeMessage } from '@mxg/envelope';
import {
  type CalculationClaim,
  calculationContext,
  renderCalculationHtml,
  renderCalculationPdf,
} from '@mxg/settlements';
import type { AuthenticatedClient } from '../auth/auth.types';
import { CursorError } from '../api/cursor';
import { ApiPageQueries, pageOf, readPage } from '../api/page';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { type FieldProblem, validationFailed } from '../exchange/exchange.errors';
import { actingAuthority } from '../exchange/message-access';
import { ExchangeStore } from '../exchange/store/exchange.store';
import { uuidParam } from '../exchange/uuid-param';
import { ClaimStore } from './claim.store';
import type { ClaimRecord } from './claim.types';
import { CLAIM_STATUSES, ClaimDeadlines, type ClaimStatus } from './claim-deadlines';
import { ClaimView } from './claim-view';
import { ClaimsApiError } from './claims.errors';
import { ApiBytesAnswer, ApiPageAnswer } from '../api/openapi-answers';

const PDF = 'application/pdf';
const HTML = 'text/html';

/** The claims' cursors: a claim's id, its place in (submitted, newest first; id) order. */
const CLAIMS_CURSOR = 'claims';

/**
 * The RET claims register (RET-3.1, RET-3.2, RET-4): a national system sees the claims its
 * authority sent or received; auditors and security officers see every one. Ids, codes, dates
 * and amounts only.
 */
@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
@UseGuards(BearerAuthGuard)
@Roles('publisher', 'security-officer', 'auditor')
export class ClaimsController {
  constructor(
    private readonly claims: ClaimStore,
    private readonly deadlines: ClaimDeadlines,
    private readonly clock: Clock,
    private readonly config: MxgConfigService,
    private readonly messages: ExchangeStore,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Claims, the newest first',
    description:
      'status: open (not paid), due (open, with the due date from the receiver’s signed receipt, ' +
      'not passed), overdue (open and past its due date in the residence authority’s calendar, ' +
      'RET-4), disputed (open, a dispute was raised), paid (closed by a payment-confirmation).',
  })
  @ApiQuery({ name: 'status', required: false, enum: CLAIM_STATUSES })
  @ApiPageQueries()
  @ApiPageAnswer('claims', ClaimView)
  async list(
    @CurrentClient() client: AuthenticatedClient,
    @Query('status') status?: unknown,
    @Query('limit') limit?: unknown,
    @Query('cursor') cursor?: unknown,
  ): Promise<{ claims: ClaimView[]; next: string | null }> {
    const problems: FieldProblem[] = [];
    if (status !== undefined && !(CLAIM_STATUSES as readonly unknown[]).includes(status)) {
      problems.push({
        field: 'status',
        rule: 'value',
        message: `must be one of ${CLAIM_STATUSES.join(', ')}`,
      });
    }
    const page = readPage(CLAIMS_CURSOR, ['uuid'], { limit, cursor }, problems);
    if (problems.length > 0) throw validationFailed(problems);
    let after: ClaimRecord | undefined;
    if (page.after !== undefined) {
      after = await this.claims.find(page.after[0] as string);
      if (!after || !this.maySee(client, after)) {
        throw new CursorError('is no position among the claims this client may see');
      }
    }
    const wanted = status as ClaimStatus | undefined;
    const rows = await this.claims.list({
      authority: this.overseer(client) ? undefined : actingAuthority(client),
      states:
        wanted === 'paid'
          ? ['paid']
          : wanted === undefined
            ? undefined
            : ['submitted', 'queried', 'disputed'],
      disputed: wanted === 'disputed' ? true : undefined,
      deadline:
        wanted === 'due' || wanted === 'overdue'
          ? { passed: wanted === 'overdue', today: this.deadlines.todayByAuthority() }
          : undefined,
      after: after && { submittedAt: after.submittedAt, id: after.id },
      // One more than asked: whether there is a next page at all.
      limit: page.size + 1,
    });
    const now = this.clock.now();
    const { items, next } = pageOf(CLAIMS_CURSOR, rows, page.size, (c) => [c.id]);
    return { claims: items.map((c) => ClaimView.of(c, this.deadlines.of(c, now))), next };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A claim: its state, the late flag, the payment deadline, the payment' })
  @ApiOkResponse({ type: ClaimView })
  async read(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ): Promise<ClaimView> {
    const claim = await this.visible(client, id);
    return ClaimView.of(claim, this.deadlines.of(claim));
  }

  @Get(':id/calculation')
  @ApiOperation({
    summary: 'The claim’s calculation as a printable document in Russian (RET-3.6)',
    description:
      'Laid out as RET-3.6 describes: one row per expense line (name, supporting document, date, ' +
      'amount in its currency, the national bank’s rates, the USD amount) and the «Итого» row; ' +
      'the header names the claim number, the states, the return act’s number and date and the ' +
      'invoice. It holds no person data — the minor and the representatives are not named — so ' +
      'reading it is not a personal-data read (MIG-11.4). `Accept: application/pdf` (default) or ' +
      '`text/html`; anything else is 406 CALCULATION_FORMAT_UNSUPPORTED.',
  })
  @ApiBytesAnswer([PDF, HTML], 'the calculation, printable (RET-3.6)')
  @ApiHeader({ name: 'Accept', required: false, description: `${PDF} (default) or ${HTML}` })
  async calculation(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
    @Headers('accept') accept: string | undefined,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const format = calculationFormat(accept);
    const claim = await this.visible(client, id);
    const stored = await this.messages.content(claim.id);
    if (stored?.state !== 'available') {
      throw new ClaimsApiError(
        'CLAIM_CONTENT_UNAVAILABLE',
        `the content of claim ${id} was destroyed; its register row and audit trail remain (MIG-11.5)`,
      );
    }
    const body = decodeMessage(stored.content).body as unknown as CalculationClaim;
    const context = calculationContext(body, this.config.treaty, this.config.settlements);
    if (format === HTML) {
      response.type('text/html; charset=utf-8').send(renderCalculationHtml(body, context));
    } else {
      response.type(PDF).send(await renderCalculationPdf(body, context));
    }
  }

  private async visible(client: AuthenticatedClient, id: string): Promise<ClaimRecord> {
    const claim = await this.claims.find(id);
    if (!claim || !this.maySee(client, claim)) {
      throw new ClaimsApiError('CLAIM_UNKNOWN', `no claim ${id} is visible to this client`);
    }
    return claim;
  }

  private overseer(client: AuthenticatedClient): boolean {
    return client.roles.includes('auditor') || client.roles.includes('security-officer');
  }

  private maySee(client: AuthenticatedClient, c: ClaimRecord): boolean {
    return (
      this.overseer(client) ||
      (client.authority !== null &&
        [c.stay.authority, c.residence.authority].includes(client.authority))
    );
  }
}

/** The calculation's media type `accept` asks for: PDF unless HTML comes first (RET-3.6). */
function calculationFormat(accept: string | undefined): typeof PDF | typeof HTML {
  const types = (accept ?? '*/*')
    .split(',')
    .map((t) => t.split(';')[0].trim().toLowerCase())
    .filter((t) => t !== '');
  for (const type of types.length === 0 ? ['*/*'] : types) {
    if (type === PDF || type === 'application/*' || type === '*/*') return PDF;
    if (type === HTML || type === 'text/*') return HTML;
  }
  throw new ClaimsApiError(
    'CALCULATION_FORMAT_UNSUPPORTED',
    `the calculation is rendered as ${PDF} or ${HTML}, not ${accept}`,
  );
}
