import { Injectable } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { MessageRepository } from '../../message.repository';
import { envelopeEntry } from '../../outbox-entries';
import { OutboxSignal } from '../../outbox-signal';

/**
 * No receipt in time: the same envelope (same message id — the receiver deduplicates) goes out
 * again, with the wait doubling each time; after the configured number of attempts the message
 * is `failed`, visible in the API and on the audit record.
 */
@Injectable()
export class ResendOverdue {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly messages: MessageRepository,
    private readonly audit: AuditAppender,
    private readonly outbox: OutboxSignal,
  ) {}

  /** Returns how many messages it handled. */
  async execute(limit = 100): Promise<number> {
    const now = this.clock.now();
    const { maxAttempts } = this.config.gateway.exchange;
    const handled = await this.messages.transaction(async (tx) => {
      const overdue = await this.messages.overdue(tx, now, limit);
      for (const message of overdue) {
        const common = {
          actor: { authority: message.from.authority, role: 'gateway', user: null },
          messageId: message.id,
          correlationId: message.correlationId,
          parties: [message.from.party, message.to.party],
          agreement: message.agreement,
          contentDigest: message.digest,
        };
        if (message.attempts >= maxAttempts) {
          await this.messages.setStatus(tx, message.id, 'failed', now, {
            from: ['published'],
            code: 'NO_RECEIPT',
            receiptDueAt: null,
          });
          await this.audit.append(
            {
              ...common,
              type: 'message.retried',
              outcome: 'failure',
              errorCode: 'NO_RECEIPT',
              details: { attempts: message.attempts },
            },
            { db: tx },
          );
          continue;
        }
        // The same stored envelope again: the outbox row refers to it (see envelopeEntry).
        await this.messages.enqueue(tx, envelopeEntry(message, now));
        // Waiting for the relay: no deadline until it is published again.
        await this.messages.setStatus(tx, message.id, 'published', now, {
          from: ['published'],
          receiptDueAt: null,
        });
        await this.audit.append(
          { ...common, type: 'message.retried', details: { attempt: message.attempts + 1 } },
          { db: tx },
        );
      }
      return overdue.length;
    });
    if (handled > 0) this.outbox.notify();
    return handled;
  }
}
