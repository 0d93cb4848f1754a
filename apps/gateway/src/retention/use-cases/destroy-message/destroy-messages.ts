import { Injectable } from '@nestjs/common';
import { type AuditActor, AuditAppender } from '@mxg/audit';
import type { DestructionReason } from '@mxg/messages';
import type { MessageRecord } from '../../../exchange/exchange.types';
import { messageAuditContext } from '../../../exchange/message-audit-context';
import { OutboxSignal } from '../../../exchange/outbox-signal';
import type { Db } from '../../../exchange/store/exchange-store.types';
import { RetentionStore } from '../../../exchange/store/retention.store';
import { SendDestructionNotices } from '../send-destruction-notices/send-destruction-notices.use-case';

/** One message to destroy, locked by the caller's transaction, and why. */
export interface DestructionOrder {
  readonly message: MessageRecord;
  readonly reason: DestructionReason;
  /** The retention rule that made it due (`default`, `category:<code>`), or `early`. */
  readonly rule: string;
  /** An early destruction's reference id (a case or order number), if given. */
  readonly reference: string | null;
}

/**
 * MIG-11.5, the destruction itself, for the schedule and for an operator alike: in the caller's
 * transaction, for each message — its data key and ciphertext erased (RetentionStore.destroy),
 * the message marked destroyed, and a `data.destroyed` entry whose content digest is the
 * message's and whose details are codes and ids only (reason, rule, reference, notice) — and the
 * destruction notices to the providers of the received ones (SendDestructionNotices), all
 * committed together. The caller wakes the relay (`sent`) after the commit.
 */
@Injectable()
export class DestroyMessages {
  constructor(
    private readonly store: RetentionStore,
    private readonly audit: AuditAppender,
    private readonly notices: SendDestructionNotices,
    private readonly outbox: OutboxSignal,
  ) {}

  /** Destroys `orders` in `db`; returns how many were destroyed. */
  async destroy(
    db: Db,
    orders: readonly DestructionOrder[],
    actor: AuditActor,
    now: Date,
  ): Promise<number> {
    if (orders.length === 0) return 0;
    // Sealed first: a signature that fails leaves nothing half done.
    const notices = await this.notices.prepare(orders, now);
    let destroyed = 0;
    for (const order of orders) {
      const record = await this.store.destroy(db, order.message.id, now, order.reason);
      if (!record) continue;
      destroyed++;
      const outcome = notices.outcomes.get(record.id);
      await this.audit.append(
        {
          ...messageAuditContext(record, actor),
          type: 'data.destroyed',
          details: {
            reason: order.reason,
            rule: order.rule,
            reference: order.reference,
            direction: record.direction,
            notice: outcome && 'notice' in outcome ? outcome.notice : null,
            ...(outcome && 'noticeError' in outcome ? { noticeError: outcome.noticeError } : {}),
          },
        },
        { db },
      );
    }
    await notices.store(db);
    return destroyed;
  }

  /** Wakes the relay for the notices just committed. */
  sent(): void {
    this.outbox.notify();
  }
}
