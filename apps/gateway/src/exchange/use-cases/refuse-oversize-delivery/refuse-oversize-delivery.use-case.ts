import { Injectable, Logger } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { MAX_RECEIPT_BYTES } from '@mxg/envelope';
import { deliveryEvidence, evidenceDetails } from '../../delivery-evidence';
import { deadLetterEntry } from '../../outbox-entries';
import { OutboxSignal } from '../../outbox-signal';
import { logLine } from '../../../logging/log-fields';
import { GatewayMetrics } from '../../../metrics/gateway-metrics';
import { ExchangeStore } from '../../store/exchange.store';

/** What a delivery claims to be (its AMQP `type`, unauthenticated): it chooses the bound. */
export type DeliveryKind = 'envelope' | 'receipt';

export type OversizeCode = 'ENVELOPE_TOO_LARGE' | 'RECEIPT_TOO_LARGE';

/**
 * #10.9: a delivery larger than any a conforming peer sends — an envelope over
 * `exchange.maxEnvelopeBytes`, a receipt over MAX_RECEIPT_BYTES — is refused before anything
 * parses, decrypts or verifies it. Nothing in it is authenticated, so nothing is stored, no
 * negative receipt goes back, and its bytes are not kept: the audit entry (`message.rejected`)
 * and the dead letter carry its size and SHA-256 only. Committed before the delivery is
 * acknowledged, like every other outcome.
 */
@Injectable()
export class RefuseOversizeDelivery {
  private readonly logger = new Logger(RefuseOversizeDelivery.name);

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly messages: ExchangeStore,
    private readonly audit: AuditAppender,
    private readonly outbox: OutboxSignal,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** The largest delivery of `kind` this gateway opens, in bytes. */
  limit(kind: DeliveryKind): number {
    return kind === 'receipt' ? MAX_RECEIPT_BYTES : this.config.gateway.exchange.maxEnvelopeBytes;
  }

  /** Refuses `payload` if it is over the bound of `kind`; says whether it did. */
  async execute(
    payload: Uint8Array,
    kind: DeliveryKind,
    transportMessageId: string | undefined,
  ): Promise<boolean> {
    const limit = this.limit(kind);
    if (payload.byteLength <= limit) return false;
    const code: OversizeCode = kind === 'receipt' ? 'RECEIPT_TOO_LARGE' : 'ENVELOPE_TOO_LARGE';
    const evidence = deliveryEvidence(payload);
    const now = this.clock.now();
    this.logger.warn(
      logLine({
        msg: `refused ${kind} delivery ${transportMessageId ?? '(no id)'}: ${code} (${evidence.size} bytes, over ${limit})`,
        code,
      }),
    );
    const self = this.config.gateway.party;
    await this.messages.transaction(async (tx) => {
      await this.messages.enqueue(
        tx,
        deadLetterEntry(
          self,
          { payload, transportMessageId, evidence, kind },
          { code },
          now,
          'evidence',
        ),
      );
      await this.audit.append(
        {
          type: 'message.rejected',
          actor: { authority: null, role: 'gateway', user: null },
          messageId: null, // nothing authenticates an id
          parties: [self],
          outcome: 'failure',
          errorCode: code,
          details: {
            layer: null,
            claimedKind: kind,
            claimedMessageId: transportMessageId ?? null,
            ...evidenceDetails(evidence),
            limitBytes: limit,
            deadLettered: true,
            payloadKept: false,
          },
        },
        { db: tx },
      );
    });
    this.metrics.deadLettered(code);
    this.metrics.receiveRefused('message.rejected', code);
    this.outbox.notify();
    return true;
  }
}
