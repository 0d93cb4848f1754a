import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { isOverdue, localDate } from '@mxg/lifecycle';
import { RequestStore } from '../../../exchange/store/request.store';

/** The latest calendar date anywhere (UTC+14): no authority's date is later. */
const LATEST_ZONE = 'Etc/GMT-14';
const BATCH = 100;

/**
 * MIG-10.3: when a request's deadline passes unanswered — the requested authority's own date is
 * after its due date, and it is neither answered, refused in full nor withdrawn — the passing
 * goes on the audit record once, on each gateway that holds the request. Returns how many.
 */
@Injectable()
export class RecordOverdue {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly requests: RequestStore,
    private readonly audit: AuditAppender,
  ) {}

  async execute(): Promise<number> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (tx) => {
      const candidates = await this.requests.overdueCandidates(
        tx,
        localDate(now, LATEST_ZONE),
        BATCH,
      );
      let recorded = 0;
      for (const r of candidates) {
        const zone = this.config.treaty.authorityTimeZone(r.requested.authority);
        if (!isOverdue(r.dueOn!, now, zone)) continue;
        await this.audit.append(
          {
            type: 'request.overdue',
            actor: { authority: null, role: 'gateway', user: null },
            messageId: r.id,
            correlationId: r.id,
            parties: [r.requester.party, r.requested.party],
            agreement: r.agreement,
            outcome: 'failure',
            errorCode: 'DEADLINE_PASSED',
            details: {
              side: r.side,
              state: r.state,
              requester: r.requester.authority,
              requested: r.requested.authority,
              receivedOn: r.receivedOn,
              dueOn: r.dueOn,
              postponedUntil: r.postponedUntil,
            },
          },
          { db: tx },
        );
        await this.requests.markOverdueRecorded(tx, r.id, now);
        recorded += 1;
      }
      return recorded;
    });
  }
}
