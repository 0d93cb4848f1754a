import { Injectable } from '@nestjs/common';
import { type AuditActor, AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock, MxgError } from '@mxg/core';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { ExchangeError } from '../../../exchange/exchange.errors';
import type { MessageRecord } from '../../../exchange/exchange.types';
import { messageAuditContext } from '../../../exchange/message-audit-context';
import { ExchangeStore } from '../../../exchange/store/exchange.store';
import { RetentionStore, type RetentionRecord } from '../../../exchange/store/retention.store';
import { RetentionError } from '../../retention.errors';

/** A security officer acting on the gateway's records. */
export function officerActor(client: AuthenticatedClient): AuditActor {
  return { authority: client.authority, role: 'security-officer', user: client.id };
}

/**
 * MIG-11.5: a legal hold suspends a message's destruction — by the schedule and early — until a
 * security officer lifts it. Put with a reference code (a case or order number: an id, not free
 * text); putting it again replaces the reference. Each step is audited (`data.held`,
 * `data.released`), as is each refusal: a message destroyed already (MESSAGE_ALREADY_DESTROYED),
 * a hold to lift that is not there (MESSAGE_NOT_HELD).
 */
@Injectable()
export class HoldMessage {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly messages: ExchangeStore,
    private readonly store: RetentionStore,
    private readonly audit: AuditAppender,
  ) {}

  hold(client: AuthenticatedClient, id: string, reference: string): Promise<RetentionRecord> {
    return this.change(client, id, 'data.held', reference, async (tx, message, now) => {
      if (message.destroyedAt !== null) {
        throw new RetentionError(
          'MESSAGE_ALREADY_DESTROYED',
          `message ${id} was destroyed on ${message.destroyedAt.toISOString()}: there is nothing to hold`,
        );
      }
      await this.store.hold(tx, id, now, reference, client.id);
    });
  }

  release(client: AuthenticatedClient, id: string): Promise<RetentionRecord> {
    return this.change(client, id, 'data.released', null, async (tx, _message, _now, retention) => {
      if (!retention?.hold) {
        throw new RetentionError('MESSAGE_NOT_HELD', `message ${id} is under no legal hold`);
      }
      await this.store.release(tx, id);
    });
  }

  private async change(
    client: AuthenticatedClient,
    id: string,
    type: 'data.held' | 'data.released',
    reference: string | null,
    apply: (
      tx: Parameters<Parameters<ExchangeStore['transaction']>[0]>[0],
      message: MessageRecord,
      now: Date,
      retention: RetentionRecord | undefined,
    ) => Promise<void>,
  ): Promise<RetentionRecord> {
    const now = this.clock.now();
    const actor = officerActor(client);
    let seen: MessageRecord | undefined;
    try {
      return await this.messages.transaction(async (tx) => {
        const locked = await this.store.lock(tx, id);
        if (!locked)
          throw new ExchangeError('MESSAGE_NOT_FOUND', `no message ${id} is stored here`);
        seen = locked.message;
        const previous = locked.retention?.hold?.reference ?? null;
        await apply(tx, locked.message, now, locked.retention);
        await this.audit.append(
          {
            ...messageAuditContext(locked.message, actor),
            type,
            details: { reference: reference ?? previous },
          },
          { db: tx },
        );
        return (await this.store.retention(id, tx))!;
      });
    } catch (error) {
      if (error instanceof MxgError) {
        await this.audit.append({
          type,
          ...(seen ? messageAuditContext(seen, actor) : { actor, messageId: null }),
          parties: seen ? [seen.from.party, seen.to.party] : [this.config.gateway.party],
          outcome: 'failure',
          errorCode: error.code,
          details: { reference, requestedId: seen ? null : id },
        });
      }
      throw error;
    }
  }
}
