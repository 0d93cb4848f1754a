import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Clock } from '@mxg/core';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { type FieldProblem, validationFailed } from '../exchange/exchange.errors';
import { actingAuthority } from '../exchange/message-access';
import { uuidParam } from '../exchange/uuid-param';
import { ClaimStore } from './claim.store';
import type { ClaimRecord } from './claim.types';
import { CLAIM_STATUSES, ClaimDeadlines, type ClaimStatus } from './claim-deadlines';
import { ClaimView } from './claim-view';
import { ClaimsApiError } from './claims.errors';

/** How many claims one listing reads at most. */
const MAX_LIMIT = 500;

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
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_LIMIT}, default 100` })
  @ApiOkResponse({ description: '{ claims: ClaimView[] }' })
  async list(
    @CurrentClient() client: AuthenticatedClient,
    @Query('status') status?: unknown,
    @Query('limit') limit?: unknown,
  ): Promise<{ claims: ClaimView[] }> {
    const problems: FieldProblem[] = [];
    if (status !== undefined && !(CLAIM_STATUSES as readonly unknown[]).includes(status)) {
      problems.push({
        field: 'status',
        rule: 'value',
        message: `must be one of ${CLAIM_STATUSES.join(', ')}`,
      });
    }
    const size =
      limit === undefined ? 100 : typeof limit === 'string' && /^\d{1,3}$/.test(limit) ? +limit : 0;
    if (size < 1 || size > MAX_LIMIT) {
      problems.push({
        field: 'limit',
        rule: 'range',
        message: `must be an integer from 1 to ${MAX_LIMIT}`,
      });
    }
    if (problems.length > 0) throw validationFailed(problems);
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
      limit: wanted === 'due' || wanted === 'overdue' ? MAX_LIMIT : size,
    });
    const now = this.clock.now();
    const claims = rows
      .map((c) => ({ c, deadline: this.deadlines.of(c, now) }))
      .filter(
        ({ c, deadline }) => wanted === undefined || this.deadlines.matches(c, wanted, deadline),
      )
      .slice(0, size)
      .map(({ c, deadline }) => ClaimView.of(c, deadline));
    return { claims };
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
