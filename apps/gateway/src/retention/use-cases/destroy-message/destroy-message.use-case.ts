import { Injectable } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock, MxgError } from '@mxg/core';
import type { DestructionReason } from '@mxg/messages';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import type { MessageRecord } from '../../../exchange/exchange.types';
import { ExchangeError } from '../../../exchange/exchange.errors';
import { messageAuditContext } from '../../../exchange/message-audit-context';
import { KEPT_TYPES } from '../../../exchange/retention-stamp';
import { ExchangeStore } from '../../../exchange/store/exchange.store';
import { RetentionStore } from '../../../exchange/store/retention.store';
import { DESTROYABLE_STATUSES } from '../../destroyable-statuses';
import { RetentionError } from '../../retention.errors';
import { officerActor } from '../hold-message/hold-message.use-case';
import { DestroyMessages } from './destroy-messages';

/**
 * MIG-11.5: a security officer destroys a message before it is due, for a reason from the closed
 * list (`EARLY_DESTRUCTION_REASONS`) and an optional reference id — never free text. Refused, by
 * code and audited, when the message is held (MESSAGE_HELD), destroyed already
 * (MESSAGE_ALREADY_DESTROYED), still needed by the exchange (MESSAGE_NOT_SETTLED: see
 * DESTROYABLE_STATUSES) or kept as proof (MESSAGE_KEPT: a destruction notice). Otherwise
 * destroyed exactly as the schedule destroys, with the same audit entry and notice.
 */
@Injectable()
export class DestroyMessage {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly messages: ExchangeStore,
    private readonly store: RetentionStore,
    private readonly destroyer: DestroyMessages,
    private readonly audit: AuditAppender,
  ) {}

  async execute(
    client: AuthenticatedClient,
    id: string,
    reason: DestructionReason,
    reference: string | null,
  ): Promise<MessageRecord> {
    const now = this.clock.now();
    const actor = officerActor(client);
    let seen: MessageRecord | undefined;
    try {
      const destroyed = await this.messages.transaction(async (tx) => {
        const locked = await this.store.lock(tx, id);
        if (!locked) {
          throw new ExchangeError('MESSAGE_NOT_FOUND', `no message ${id} is stored here`);
        }
        const { message, retention } = locked;
        seen = message;
        if (message.destroyedAt !== null) {
          throw new RetentionError(
            'MESSAGE_ALREADY_DESTROYED',
            `message ${id} was destroyed on ${message.destroyedAt.toISOString()} (${message.destroyedReason})`,
          );
        }
        if (retention?.hold) {
          throw new RetentionError(
            'MESSAGE_HELD',
            `message ${id} is under legal hold ${retention.hold.reference}: lift the hold first (MIG-11.5)`,
          );
        }
        if (KEPT_TYPES.includes(message.type)) {
          throw new RetentionError(
            'MESSAGE_KEPT',
            `a ${message.type} carries no personal data and is kept as the record it is`,
          );
        }
        if (!DESTROYABLE_STATUSES.includes(message.status)) {
          throw new RetentionError(
            'MESSAGE_NOT_SETTLED',
            `message ${id} is ${message.status}: the exchange still needs its content (destroyable: ${DESTROYABLE_STATUSES.join(', ')})`,
          );
        }
        await this.destroyer.destroy(
          tx,
          [{ message, reason, rule: 'early', reference }],
          actor,
          now,
        );
        return (await this.messages.find(id, tx))!;
      });
      this.destroyer.sent();
      return destroyed;
    } catch (error) {
      if (error instanceof MxgError) {
        // Every refused destruction is on the record, by code (ids only).
        await this.audit.append({
          type: 'data.destroyed',
          ...(seen ? messageAuditContext(seen, actor) : { actor, messageId: null }),
          parties: seen ? [seen.from.party, seen.to.party] : [this.config.gateway.party],
          outcome: 'failure',
          errorCode: error.code,
          details: { reason, reference, requestedId: seen ? null : id },
        });
      }
      throw error;
    }
  }
}
