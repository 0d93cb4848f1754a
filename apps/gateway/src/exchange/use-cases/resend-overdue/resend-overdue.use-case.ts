import { Injectable } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { deliverableUntil } from '../../delivery-window';
import { gatewayActor, messageAuditContext } from '../../message-audit-context';
import { envelopeEntry } from '../../outbox-entries';
import { OutboxSignal } from '../../outbox-signal';
import { ExchangeStore } from '../../store/exchange.store';

/**
 * No receipt in time: the same envelope (same message id — the receiver deduplicates) goes out
 * again, with the wait doubling each time, up to the configured number of attempts. After the
 * last, the message stays `published` for as long as a copy can still be accepted (see
 * deliverableUntil: the receiver may be down with every copy in its queue), and only then is it
 * `failed` (NO_RECEIPT), visible in the API and on the audit record.
 */
@Injectable()
export class ResendOverdue {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly messages: ExchangeStore,
    private readonly outbox: OutboxSignal,
  ) {}

  /** Returns how many messages it handled. */
  async execute(limit = 100): Promise<number> {
    const now = this.clock.now();
    const { exchange } = this.config.gateway;
    const handled = await this.messages.transaction(async (tx) => {
      const overdue = await this.messages.overdue(tx, now, limit);
      for (const message of overdue) {
        const common = messageAuditContext(message, gatewayActor(message.from.authority));
        // Sealed when it was submitted (recorded_at): every copy carries that seal.
        const until = deliverableUntil(message.recordedAt, exchange);
        if (message.attempts >= exchange.maxAttempts && now < until) {
          // Reporting `failed` now could make the national system submit the message again
          // while a copy still waits to be delivered: a duplicate for the other party.
          await this.messages.setReceiptDue(tx, message.id, until);
          continue;
        }
        if (now >= until) {
          // No copy can be accepted any more (e.g. this gateway was down longer than the
          // window): none is sent.
          await this.messages.move(tx, message.id, 'give-up', now, {
            code: 'NO_RECEIPT',
            receiptDueAt: null,
            audit: [
              {
                ...common,
                outcome: 'failure',
                errorCode: 'NO_RECEIPT',
                details: { attempts: message.attempts, deliverableUntil: until.toISOString() },
              },
            ],
          });
          continue;
        }
        // The same stored envelope again: the outbox row refers to it (see envelopeEntry).
        await this.messages.enqueue(tx, envelopeEntry(message, now));
        // Waiting for the relay: no deadline until it is published again.
        await this.messages.move(tx, message.id, 'resend', now, {
          receiptDueAt: null,
          audit: [{ ...common, details: { attempt: message.attempts + 1 } }],
        });
      }
      return overdue.length;
    });
    if (handled > 0) this.outbox.notify();
    return handled;
  }
}
