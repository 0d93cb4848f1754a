import { Injectable, Logger } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { EnvelopeError, type Receipt } from '@mxg/envelope';
import { ClaimStore } from '../../../claims/claim.store';
import { ClaimTracker } from '../../../claims/claim-tracker';
import { EnvelopeService } from '../../../envelope/envelope.service';
import { ConsentTracker } from '../../consent-tracker';
import { deliveryEvidence, evidenceDetails } from '../../delivery-evidence';
import type { MessageRecord } from '../../exchange.types';
import { gatewayActor, messageAuditContext } from '../../message-audit-context';
import { deadLetterEntry, receiptSubject } from '../../outbox-entries';
import { RequestTracker } from '../../request-tracker';
import { GatewayMetrics } from '../../../metrics/gateway-metrics';
import { ExchangeStore } from '../../store/exchange.store';
import { logLine } from '../../../logging/log-fields';
import { RefuseOversizeDelivery } from '../refuse-oversize-delivery/refuse-oversize-delivery.use-case';

/**
 * A receipt comes back (non-repudiation of receipt): sealed by the receiving gateway, for a
 * message this gateway sent, with the digest of what it sent. The message becomes `delivered`
 * (or `rejected` with the receiver's code). A receipt that fails any check is dead-lettered
 * and audited; a repeated one changes nothing. One over MAX_RECEIPT_BYTES is refused unopened
 * (RefuseOversizeDelivery, #10.9).
 */
@Injectable()
export class ReceiveReceipt {
  private readonly logger = new Logger(ReceiveReceipt.name);

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly envelopes: EnvelopeService,
    private readonly messages: ExchangeStore,
    private readonly audit: AuditAppender,
    private readonly oversize: RefuseOversizeDelivery,
    private readonly tracker: RequestTracker,
    private readonly consents: ConsentTracker,
    private readonly claims: ClaimTracker,
    private readonly claimStore: ClaimStore,
    private readonly metrics: GatewayMetrics,
  ) {}

  async execute(payload: Uint8Array, transportId: string | undefined): Promise<void> {
    if (await this.oversize.execute(payload, 'receipt', transportId)) return;
    const now = this.clock.now();
    // The message the transport id names, read first: its agreement's algorithms are what the
    // receipt is checked under — nothing on the wire says it (MIG-11.1). A wrong or missing id
    // gets the strict default policy, and the receipt's own, signed message id decides below.
    const named = await this.sentMessage(receiptSubject(transportId));
    let receipt: Receipt;
    try {
      ({ receipt } = await this.envelopes.openReceipt(payload, named?.agreement));
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      return this.refuse(payload, transportId, error.code, now);
    }
    // The message's checked fields never change once it is stored, so it is read on its own; one
    // autocommitted statement then records the receipt, moves the message and writes the audit
    // entry — the last two only for the first copy of the receipt.
    const message =
      named?.id === receipt.messageId ? named : await this.messages.find(receipt.messageId);
    if (!message || message.direction !== 'outgoing' || message.to.party !== receipt.from) {
      return this.refuse(payload, transportId, 'RECEIPT_UNKNOWN_MESSAGE', now);
    }
    if (receipt.status === 'accepted' && receipt.digest !== message.digest) {
      return this.refuse(payload, transportId, 'RECEIPT_DIGEST_MISMATCH', now);
    }
    const first = await this.messages.recordReceivedReceipt(
      {
        messageId: receipt.messageId,
        status: receipt.status,
        code: receipt.code,
        signed: payload,
        at: now,
      },
      receipt.status === 'accepted' ? 'receipt-accepted' : 'receipt-rejected',
      [
        {
          ...messageAuditContext(message, gatewayActor(message.to.authority)),
          outcome: receipt.status === 'accepted' ? 'success' : 'failure',
          errorCode: receipt.code,
          details: { status: receipt.status, receivedAt: receipt.receivedAt },
        },
      ],
      // MIG-10.3: the requested gateway's signed receipt states the request's legal deadline,
      // recorded in the receipt's own statement (any copy: a redelivery completes nothing left
      // undone, and a deadline once recorded is never moved).
      message.type === 'request' && receipt.receivedOn && receipt.dueOn
        ? {
            receivedAt: new Date(receipt.receivedAt),
            receivedOn: receipt.receivedOn,
            dueOn: receipt.dueOn,
          }
        : undefined,
    );
    // Counted once, for the copy that moved the message (#17).
    if (first) {
      this.metrics.receipt(
        {
          type: message.type,
          peer: message.to.party,
          submittedAt: message.recordedAt,
          publishedAt: message.status === 'published' ? message.statusAt : message.recordedAt,
        },
        { status: receipt.status, code: receipt.code },
        now,
      );
    }
    // A message of a request its receiver refused moved nothing there: undo its move here.
    if (receipt.status === 'rejected') {
      await this.messages.transaction(async (tx) => {
        await this.tracker.rollBack(tx, message);
        await this.consents.rollBack(tx, message); // MIG-11.3: likewise a consent's
        await this.claims.rollBack(tx, message); // RET-3.1, RET-4: and a claim's
      });
    }
    // RET-4: a claim's payment deadline, 30 days from the documents' receipt, as a request's.
    // Idempotent, so a redelivered receipt completes what a crash interrupted.
    if (message.type === 'reimbursement-claim' && receipt.receivedOn && receipt.dueOn) {
      await this.claimStore.recordDue(message.id, {
        receivedAt: new Date(receipt.receivedAt),
        receivedOn: receipt.receivedOn,
        dueOn: receipt.dueOn,
      });
    }
  }

  /** The message this gateway sent with id `messageId`, if there is one. */
  private async sentMessage(messageId: string | undefined): Promise<MessageRecord | undefined> {
    const found = messageId === undefined ? undefined : await this.messages.find(messageId);
    return found?.direction === 'outgoing' ? found : undefined;
  }

  private async refuse(
    payload: Uint8Array,
    transportId: string | undefined,
    code: string,
    now: Date,
  ): Promise<void> {
    this.logger.warn(
      logLine({ msg: `refused receipt ${transportId ?? '(no id)'}: ${code}`, code }),
    );
    this.metrics.deadLettered(code);
    const evidence = deliveryEvidence(payload);
    await this.messages.transaction(async (tx) => {
      await this.messages.enqueue(
        tx,
        deadLetterEntry(
          this.config.gateway.party,
          { payload, transportMessageId: transportId, evidence, kind: 'receipt' },
          { code, layer: 'outer' },
          now,
        ),
      );
      await this.audit.append(
        {
          type: 'receipt.received',
          actor: { role: 'gateway' },
          parties: [this.config.gateway.party],
          outcome: 'failure',
          errorCode: code,
          details: {
            claimedMessageId: transportId ?? null,
            ...evidenceDetails(evidence),
            deadLettered: true,
          },
        },
        { db: tx },
      );
    });
  }
}
