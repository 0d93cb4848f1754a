import { Injectable } from '@nestjs/common';
import { Clock } from '@mxg/core';
import { gatewayActor } from '../../../exchange/message-audit-context';
import { ExchangeStore } from '../../../exchange/store/exchange.store';
import { RetentionStore } from '../../../exchange/store/retention.store';
import { DESTROYABLE_STATUSES } from '../../destroyable-statuses';
import { DestroyMessages } from '../destroy-message/destroy-messages';

/** Messages destroyed per transaction. */
export const DESTRUCTION_BATCH = 50;

/**
 * MIG-11.5, the schedule: destroys every message whose retention period has run out, that no
 * legal hold suspends and that the exchange no longer needs (DESTROYABLE_STATUSES) — in
 * batches, each one transaction that claims its messages with SKIP LOCKED, so several gateway
 * instances share the work and never destroy one twice, and a hold or an early destruction
 * racing it waits for it and then sees the outcome. Returns how many it destroyed.
 */
@Injectable()
export class DestroyDue {
  constructor(
    private readonly clock: Clock,
    private readonly messages: ExchangeStore,
    private readonly store: RetentionStore,
    private readonly destroyer: DestroyMessages,
  ) {}

  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const destroyed = await this.messages.transaction(async (tx) => {
        const due = await this.store.claimDue(tx, now, DESTRUCTION_BATCH, DESTROYABLE_STATUSES);
        return this.destroyer.destroy(
          tx,
          due.map(({ message, rule }) => ({
            message,
            rule,
            reason: 'retention-expired' as const,
            reference: null,
          })),
          gatewayActor(null),
          now,
        );
      });
      total += destroyed;
      if (destroyed > 0) this.destroyer.sent();
      if (destroyed < DESTRUCTION_BATCH) return total;
    }
  }
}
