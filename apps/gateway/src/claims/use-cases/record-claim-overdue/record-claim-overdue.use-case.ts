import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { isOverdue, localDate } from '@mxg/lifecycle';
import { ClaimStore } from '../../claim.store';

/** The latest calendar date anywhere (UTC+14): no authority's date is later. */
const LATEST_ZONE = 'Etc/GMT-14';
const BATCH = 100;

/**
 * RET-4: when a claim's payment deadline passes unpaid — the residence authority's own date is
 * after its due date (30 days from the documents' receipt) and no payment-confirmation closed it
 * — the passing goes on the audit record once, on each gateway that holds the claim. A disputed
 * claim is still owed (disputes are settled by consultation), so it is recorded too, with its
 * flag. Returns how many.
 */
@Injectable()
export class RecordClaimOverdue {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly claims: ClaimStore,
    private readonly audit: AuditAppender,
  ) {}

  async execute(): Promise<number> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const candidates = await this.claims.overdueCandidates(
        tx,
        localDate(now, LATEST_ZONE),
        BATCH,
      );
      let recorded = 0;
      for (const c of candidates) {
        const zone = this.config.treaty.authorityTimeZone(c.residence.authority);
        if (!isOverdue(c.dueOn!, now, zone)) continue;
        await this.audit.append(
          {
            type: 'claim.overdue',
            actor: { authority: null, role: 'gateway', user: null },
            messageId: c.id,
            correlationId: c.id,
            parties: [c.stay.party, c.residence.party],
            agreement: c.agreement,
            outcome: 'failure',
            errorCode: 'PAYMENT_DEADLINE_PASSED',
            details: {
              claim: c.id,
              claimNumber: c.claimNumber,
              side: c.side,
              state: c.state,
              disputed: c.disputed,
              stay: c.stay.authority,
              residence: c.residence.authority,
              receivedOn: c.receivedOn,
              dueOn: c.dueOn,
              totalUsd: c.totalUsd,
            },
          },
          { db: tx },
        );
        await this.claims.markOverdueRecorded(tx, c.id, now);
        recorded += 1;
      }
      return recorded;
    });
  }
}
