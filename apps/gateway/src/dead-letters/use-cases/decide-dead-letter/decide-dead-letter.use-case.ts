import { Injectable, Logger } from '@nestjs/common';
import { AuditAppender, type AuditEventInput } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { replayEntry } from '../../../exchange/outbox-entries';
import { OutboxSignal } from '../../../exchange/outbox-signal';
import { ExchangeStore } from '../../../exchange/store/exchange.store';
import { DEAD_LETTER_DECISIONS, type DeadLetterDecision } from '../../dead-letter-decisions';
import { DeadLetterStore } from '../../dead-letter.store';
import type { DeadLetterRecord } from '../../dead-letter.types';
import { deadLetterView } from '../../dead-letter-view';
import { DeadLettersError } from '../../dead-letters.errors';

/**
 * A security officer's decision on a held dead letter (README "Dead letters"), made once:
 *
 * - `replay`: the delivery goes again to this gateway's own inbound processing — an outbox row
 *   publishing it into its inbox queue with the message id and type it arrived with, in the
 *   transaction that marks it replayed, so nothing is lost between (the relay publishes it on a
 *   confirm channel). There it is opened and checked anew: still bad, it is refused again and
 *   comes back as a new dead letter; accepted meanwhile, it is a duplicate (its message id).
 * - `discard`: its bytes are dropped; code, size and digest stay.
 *
 * Each decision and each refusal of one is audited (`dead-letter.replayed`, `dead-letter.discarded`)
 * with the client id, code and SHA-256 — never content.
 */
@Injectable()
export class DecideDeadLetter {
  private readonly logger = new Logger(DecideDeadLetter.name);

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly store: DeadLetterStore,
    private readonly exchange: ExchangeStore,
    private readonly outbox: OutboxSignal,
    private readonly audit: AuditAppender,
  ) {}

  async execute(
    client: AuthenticatedClient,
    id: string,
    decision: DeadLetterDecision,
  ): Promise<DeadLetterRecord> {
    const move = DEAD_LETTER_DECISIONS[decision];
    const self = this.config.gateway.party;
    const actor = { authority: client.authority, role: 'security-officer', user: client.id };
    let seen: DeadLetterRecord | undefined;
    try {
      const decided = await this.store.transaction(async (tx) => {
        const now = this.clock.now();
        const locked = await this.store.lock(tx, id);
        if (!locked) throw new DeadLettersError('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`);
        seen = locked.record;
        if (locked.record.status !== move.from) {
          throw new DeadLettersError(
            'DEAD_LETTER_DECIDED',
            `dead letter ${id} was ${locked.record.status} already, at ${locked.record.decidedAt?.toISOString()}`,
          );
        }
        if (decision === 'replay') {
          if (locked.payload === null) {
            throw new DeadLettersError(
              'DEAD_LETTER_PAYLOAD_NOT_KEPT',
              `dead letter ${id} was refused for its size: its bytes were never kept (#10.9)`,
            );
          }
          await this.exchange.enqueue(
            tx,
            replayEntry(self, { ...locked.record, payload: locked.payload }, now),
          );
        }
        const record = await this.store.decide(tx, id, move.to, now, client.id);
        if (!record) throw new Error(`dead letter ${id} locked but not decided`);
        await this.audit.append(this.entry(move.audit, actor, record, self), { db: tx });
        return record;
      });
      if (decision === 'replay') this.outbox.notify();
      this.logger.log(`dead letter ${id} (${decided.code}) ${move.to} by ${client.id}`);
      return decided;
    } catch (error) {
      if (error instanceof DeadLettersError) {
        const refused = this.entry(move.audit, actor, seen, self);
        await this.audit.append({
          ...refused,
          outcome: 'failure',
          errorCode: error.code,
          details: { ...refused.details, deadLetterId: id },
        });
      }
      throw error;
    }
  }

  private entry(
    type: AuditEventInput['type'],
    actor: AuditEventInput['actor'],
    record: DeadLetterRecord | undefined,
    self: string,
  ): AuditEventInput {
    return {
      type,
      actor,
      messageId: record ? deadLetterView(record).messageId : null,
      parties: [self],
      contentDigest: record ? `sha256:${record.sha256}` : null,
      details: record
        ? { deadLetterId: record.id, code: record.code, size: record.size, kind: record.kind }
        : {},
    };
  }
}
