import { Injectable } from '@nestjs/common';
import { Clock } from '@mxg/core';
import { transition } from '@mxg/lifecycle';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { ExchangeError } from '../../exchange.errors';
import type { MessageRecord } from '../../exchange.types';
import { messageAuditContext, publisherActor } from '../../message-audit-context';
import { GatewayMetrics } from '../../../metrics/gateway-metrics';
import { ExchangeStore } from '../../store/exchange.store';

/**
 * The national system confirms it has taken a received message: it leaves the inbox, and the
 * hand-over — the last step of the transfer — is audited. Acknowledging twice is harmless.
 */
@Injectable()
export class AcknowledgeMessage {
  constructor(
    private readonly clock: Clock,
    private readonly messages: ExchangeStore,
    private readonly metrics: GatewayMetrics,
  ) {}

  async execute(client: AuthenticatedClient, id: string): Promise<MessageRecord> {
    const message = await this.messages.find(id);
    if (!message || message.direction !== 'incoming' || message.to.authority !== client.authority) {
      throw new ExchangeError(
        'MESSAGE_NOT_FOUND',
        `no message ${id} was received for ${client.authority ?? 'this client'}`,
      );
    }
    // Taken already: nothing moves and nothing more is audited.
    if (transition('acknowledge', message.status) === undefined) return message;
    const now = this.clock.now();
    const moved = await this.messages.transaction((tx) =>
      // The move and its audit entry, one statement; neither if another acknowledgement won.
      this.messages.move(tx, id, 'acknowledge', now, {
        audit: [messageAuditContext(message, publisherActor(client))],
      }),
    );
    if (moved) {
      this.metrics.acknowledged(message.type, message.from.party);
      return moved;
    }
    return (await this.messages.find(id))!;
  }
}
