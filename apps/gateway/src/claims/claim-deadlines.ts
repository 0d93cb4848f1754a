import { Injectable } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { daysLeft, localDate, OPEN_CLAIM_STATES, type ClaimState } from '@mxg/lifecycle';
import type { ClaimRecord } from './claim.types';
import type { ClaimDeadline } from './claim-view';

/** The listing statuses of `GET /claims?status=` (RET-4). */
export const CLAIM_STATUSES = ['open', 'due', 'overdue', 'disputed', 'paid'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/**
 * RET-4: where a claim stands against its payment deadline, counted in the residence
 * authority's calendar (the obligation is that state's), on this gateway's clock.
 */
@Injectable()
export class ClaimDeadlines {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
  ) {}

  of(c: ClaimRecord, now: Date = this.clock.now()): ClaimDeadline {
    const open = (OPEN_CLAIM_STATES as readonly ClaimState[]).includes(c.state);
    if (c.dueOn === null || !open) return { daysLeft: null, overdue: false };
    const left = daysLeft(
      c.dueOn,
      now,
      this.config.treaty.authorityTimeZone(c.residence.authority),
    );
    return { daysLeft: left, overdue: left < 0 };
  }

  /**
   * Each authority's local date at `now`: the day against which `GET /claims?status=due|overdue`
   * compares a claim's due date, in its residence authority's calendar (RET-4). Listing
   * statuses: open = not paid; due = open, due date known and not passed; overdue = open and
   * past it; disputed = open and disputed; paid = closed by a payment-confirmation.
   */
  todayByAuthority(now: Date = this.clock.now()): Record<string, string> {
    return Object.fromEntries(
      this.config.treaty.allAuthorities().map((a) => [a.code, localDate(now, a.timeZone)]),
    );
  }
}
