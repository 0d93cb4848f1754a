import { Injectable } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { Clock } from '@mxg/core';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { ExchangeError } from '../../exchange.errors';
import type { MessageRecord } from '../../exchange.types';
import { MessageRepository } from '../../message.repository';

/**
 * The national system confirms it has taken a received message: it leaves the inbox, and the
 * hand-over — the last step of the transfer — is audited. Acknowledging twice is harmless.
 */
@Injectable()
export class AcknowledgeMessage {
  constructor(
    private readonly clock: Clock,
    private readonly messages: MessageRepository,
    private readonly audit: AuditAppender,
  ) {}

  async execute(client: AuthenticatedClient, id: string): Promise<MessageRecord> {
    const message = await this.messages.find(id);
    if (!message || message.direction !== 'incoming' || message.to.authority !== client.authority) {
      throw new ExchangeError(
        'MESSAGE_NOT_FOUND',
        `no message ${id} was received for ${client.authority ?? 'this client'}`,
      );
    }
    if (message.status === 'acknowledged') return message;
    const now = this.clock.now();
    return this.messages.transaction(async (tx) => {
      const moved = await this.messages.setStatus(tx, id, 'acknowledged', now, {
        from: ['received'],
      });
      if (!moved) return (await this.messages.find(id, tx))!;
      await this.audit.append(
        {
          type: 'message.delivered',
          actor: { authority: client.authority, role: 'publisher', user: client.id },
          messageId: id,
          correlationId: message.correlationId,
          parties: [message.from.party, message.to.party],
          agreement: message.agreement,
          contentDigest: message.digest,
        },
        { db: tx },
      );
      return moved;
    });
  }
}
