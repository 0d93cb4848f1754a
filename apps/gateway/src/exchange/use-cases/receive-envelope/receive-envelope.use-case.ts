import { Injectable, Logger } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import {
  EnvelopeError,
  type MessageHeader,
  type OpenedEnvelope,
  type Receipt,
  type TransportHeader,
} from '@mxg/envelope';
import {
  initialStatus,
  isClaimMessageType,
  isConsentMessageType,
  MESSAGE_ARRIVALS,
} from '@mxg/lifecycle';
import { type AcceptedClaimMove, claimAudit, ClaimTracker } from '../../../claims/claim-tracker';
import { EnvelopeService } from '../../../envelope/envelope.service';
import { AuthorityChanges } from '../../authority-changes';
import { SignatoryLists } from '../../../signatories/signatory-lists';
import { type AcceptedConsentMove, consentAudit, ConsentTracker } from '../../consent-tracker';
import { deliveryEvidence, evidenceDetails } from '../../delivery-evidence';
import { DestructionNotices } from '../../destruction-notices';
import { HandlingRestrictions } from '../../handling-restrictions';
import {
  gatewayActor,
  type MessageAuditContext,
  messageAuditContext,
} from '../../message-audit-context';
import { deadLetterEntry, receiptEntry } from '../../outbox-entries';
import { OutboxSignal } from '../../outbox-signal';
import {
  type AcceptedRequestMove,
  type RequestMove,
  RequestTracker,
  requestAudit,
} from '../../request-tracker';
import { RetentionStamp } from '../../retention-stamp';
import { ExchangeStore } from '../../store/exchange.store';
import type { Db, NewMessage, WithNewMessage } from '../../store/exchange-store.types';
import { RefuseOversizeDelivery } from '../refuse-oversize-delivery/refuse-oversize-delivery.use-case';
import { logLine } from '../../../logging/log-fields';
import { GatewayMetrics } from '../../../metrics/gateway-metrics';

export type ReceiveOutcome = 'stored' | 'duplicate' | 'refused';

/** Why an envelope is refused: an envelope check's code, or a request lifecycle's. */
interface Refusal {
  readonly code: string;
  readonly layer?: string;
  /** The sender, once its seal and signature are verified: it gets a negative receipt. */
  readonly authenticatedHeader?: MessageHeader;
  /** Codes only (e.g. every problem of a refused claim, RET-3): for the audit entry. */
  readonly auditDetails?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * An envelope arrives from the broker. Opened (seal, decryption, signatory — MIG-9.1, MIG-9.3),
 * it is stored once — the message id is the primary key, so a duplicate delivery is
 * acknowledged, audited and answered with the same receipt, never stored or delivered twice —
 * and a receipt signed by this gateway goes back. A refused envelope goes whole to the
 * dead-letter queue with its error code, is audited, and — when the sender is authenticated —
 * gets a signed negative receipt. Each outcome is one statement or transaction, committed before
 * the delivery is acknowledged, so nothing is lost. One over `exchange.maxEnvelopeBytes` is
 * refused unopened, its size and digest kept instead of its bytes (RefuseOversizeDelivery).
 *
 * The stored message ids are the replay protection: an envelope is accepted until it is
 * `exchange.maxEnvelopeAgeSeconds` old (its sender re-sends the same one, and it may wait out an
 * outage in the queue), so a received id must be kept at least that long after it arrived —
 * whatever retention (MIG-11.5) deletes, never an id younger than the window.
 */
@Injectable()
export class ReceiveEnvelope {
  private readonly logger = new Logger(ReceiveEnvelope.name);

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly envelopes: EnvelopeService,
    private readonly messages: ExchangeStore,
    private readonly audit: AuditAppender,
    private readonly outbox: OutboxSignal,
    private readonly oversize: RefuseOversizeDelivery,
    private readonly tracker: RequestTracker,
    private readonly authorityChanges: AuthorityChanges,
    private readonly retention: RetentionStamp,
    private readonly destructionNotices: DestructionNotices,
    private readonly consents: ConsentTracker,
    private readonly handling: HandlingRestrictions,
    private readonly claims: ClaimTracker,
    private readonly signatoryLists: SignatoryLists,
    private readonly metrics: GatewayMetrics,
  ) {}

  async execute(payload: Uint8Array, transport: TransportHeader): Promise<ReceiveOutcome> {
    // #10.9: larger than any envelope a conforming peer makes — refused before any parsing.
    if (await this.oversize.execute(payload, 'envelope', transport.id)) return 'refused';
    let opened: OpenedEnvelope;
    try {
      opened = await this.envelopes.open(payload, transport);
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      await this.refuse(payload, transport, error);
      return 'refused';
    }
    const outcome = await this.store(opened, payload, transport);
    this.outbox.notify();
    return outcome;
  }

  private async store(
    opened: OpenedEnvelope,
    payload: Uint8Array,
    transport: TransportHeader,
  ): Promise<ReceiveOutcome> {
    const { header, digest } = opened;
    const now = this.clock.now();
    const common = messageAuditContext({ ...header, digest }, gatewayActor(header.from.authority));
    const received = MESSAGE_ARRIVALS.receive.audit;
    // MIG-8..MIG-11, MIG-17: a message its request's state does not allow is refused here too —
    // a crafted envelope may have skipped its sender's checks. An answer is decided again below,
    // with its request locked, when it is stored.
    const early = await this.tracker.precheck(header, opened.message.body, 'incoming', now);
    if (!early.ok) return this.refuseMove(opened, early, payload, transport, common, now);
    // MIG-11.2, MIG-11.3: a consent message its consent does not allow, or a consent-request
    // naming messages this party never sent the requester, likewise.
    const consentEarly = await this.consents.precheck(header, opened.message.body, 'incoming', now);
    if (!consentEarly.ok) {
      return this.refuseMove(opened, consentEarly, payload, transport, common, now);
    }
    // RET-3.1 … RET-3.7, RET-4: a claim failing its checks here — a pre-signed or crafted one
    // may have skipped its sender's, and this gateway's config and rate tables are its own — or
    // a claim message its claim does not allow, likewise.
    const claimEarly = await this.claims.precheck(header, opened.message.body, 'incoming', now);
    if (!claimEarly.ok) {
      return this.refuseMove(opened, claimEarly, payload, transport, common, now);
    }
    // MIG-2: a party notifies changes of its own authorities only, consistent with the registry.
    const change = this.authorityChanges.refusal(header, opened.message.body);
    if (change) return this.refuseMove(opened, change, payload, transport, common, now);
    // MIG-9.3, MIG-9.4: a signatory list of the sender's own authority, its certificates from the
    // sender's CA, not retroactive, a new version.
    const signedAt = opened.innerReport.signingTime ?? now;
    const listRefusal = await this.signatoryLists.refusal(
      header,
      opened.message.body,
      signedAt,
      this.envelopes.trust.party(header.from.party).anchors,
    );
    if (listRefusal) return this.refuseMove(opened, listRefusal, payload, transport, common, now);
    const list = this.signatoryLists.isUpdate(header)
      ? this.signatoryLists.version(header, opened.message.body, signedAt, 'received', now)
      : undefined;
    // MIG-11.2: a handling-restriction restricts only messages its sender sent the addressee.
    const stray = await this.handling.refusal(header, opened.message.body, 'incoming');
    if (stray) return this.refuseMove(opened, stray, payload, transport, common, now);
    const restrictions = this.handling.restrictions(header, opened.message.body);
    // Signed before the transaction opens, so no pooled connection waits on a signature; for a
    // duplicate it is simply not used. MIG-10.3: a request's receipt states its deadline;
    // RET-4: so does a claim's (payment due 30 days after the documents are received).
    const receipt = await this.envelopes.signReceipt(
      {
        ...this.receipt(header.id, digest, header.from.party, 'accepted', null, now),
        ...signedAndSealed(opened),
        ...(early.due ?? {}),
        ...(claimEarly.due ?? {}),
      },
      header.agreement,
    );
    const message: NewMessage = {
      header,
      direction: 'incoming',
      digest,
      signatoryId: opened.signatoryId,
      status: initialStatus('receive'),
      at: now,
      content: opened.innerReport.content!,
      signed: opened.inner,
    };
    // MIG-11.5: how long it is kept, decided now that its body is at hand.
    const retention = await this.retention.stamp(header, opened.message.body, now);
    const also = (
      move: AcceptedRequestMove,
      consent?: AcceptedConsentMove,
      claim?: AcceptedClaimMove,
    ): WithNewMessage => ({
      receipt: { direction: 'sent', status: 'accepted', code: null, signed: receipt, at: now },
      outbox: receiptEntry(header.id, header.from.party, receipt, now),
      audit: [
        // One entry for the two steps the same statement always writes together (#16): stored
        // as received, and verified — seal, decryption, signatory and treaty checks passed.
        {
          ...common,
          type: received,
          details: {
            type: header.type,
            signatory: opened.signatoryId,
            signedAt: opened.innerReport.signingTime?.toISOString() ?? null,
          },
        },
        ...requestAudit(move, common),
        ...(consent ? consentAudit(consent, common) : []),
        ...(claim ? claimAudit(claim, common) : []),
        ...this.handling.audit(restrictions, common),
      ],
      request: move.open ?? undefined,
      retention,
      restrictions,
    });
    // The message, its content, our receipt, its outbox row and the audit entries — and the
    // request it opens — in one autocommitted statement, which writes nothing for a duplicate.
    // An answer also moves its request: one transaction, the request locked.
    // MIG-11.5: a destruction notice is checked against what we sent, and recorded on it, in the
    // transaction that stores it. MIG-11.3: a consent message registers or moves its consent, the
    // consent locked. Any other answer moves its request, the request locked.
    const body = opened.message.body;
    const stored = list
      ? // MIG-9.4: the list's version is kept with the message that carried it, in one transaction.
        await this.messages.transaction(async (tx) => {
          const withList = also(early);
          const inserted = await this.messages.insertMessage(
            message,
            {
              ...withList,
              audit: [...(withList.audit ?? []), this.signatoryLists.audit(list, common)],
            },
            tx,
          );
          if (inserted) await this.signatoryLists.record(tx, list);
          return inserted;
        })
      : this.destructionNotices.isNotice(header)
        ? await this.messages.transaction(async (tx) => {
            const refused = await this.destructionNotices.refusal(tx, header, body);
            if (refused) return { ok: false as const, ...refused };
            const inserted = await this.messages.insertMessage(message, also(early), tx);
            if (inserted) await this.destructionNotices.record(tx, header, body);
            return inserted;
          })
        : isConsentMessageType(header.type)
          ? await this.messages.transaction(async (tx) => {
              const consent = await this.consents.decide(tx, header, body, 'incoming', now);
              if (!consent.ok) return consent;
              const inserted = await this.messages.insertMessage(message, also(early, consent), tx);
              if (inserted) await consent.apply(tx);
              return inserted;
            })
          : isClaimMessageType(header.type)
            ? // RET-3.1, RET-4: a claim message registers or moves its claim, the claim locked.
              await this.messages.transaction(async (tx) => {
                const claim = await this.claims.decide(tx, header, body, 'incoming', now);
                if (!claim.ok) return claim;
                const inserted = await this.messages.insertMessage(
                  message,
                  also(early, undefined, claim),
                  tx,
                );
                if (inserted) await claim.apply(tx);
                return inserted;
              })
            : early.open !== null || early.requestId === null
              ? await this.messages.insertMessage(message, also(early))
              : await this.messages.transaction(async (tx) => {
                  const move = await this.decide(tx, opened, now);
                  if (!move.ok) return move;
                  const inserted = await this.messages.insertMessage(message, also(move), tx);
                  if (inserted) await move.apply(tx);
                  return inserted;
                });
    if (stored && 'ok' in stored) {
      return this.refuseMove(opened, stored, payload, transport, common, now);
    }
    if (!stored) return this.duplicate(header, common, now);
    this.authorityChanges.apply(header, opened.message.body);
    if (list) this.signatoryLists.apply(list);
    this.metrics.received(header.type, header.from.party);
    return 'stored';
  }

  /** The request move of a received message (see RequestTracker). */
  private decide(db: Db, opened: OpenedEnvelope, now: Date): Promise<RequestMove> {
    return this.tracker.decide(db, opened.header, opened.message.body, 'incoming', now);
  }

  /**
   * A message its request (or, for an authority-change notice, the registry) does not allow. A
   * copy of one stored already is a duplicate (it moved the request the first time), answered
   * as such; any other is refused with its code: a signed negative receipt, the envelope to the
   * dead-letter queue, an audit entry.
   */
  private async refuseMove(
    opened: OpenedEnvelope,
    refusal: { readonly code: string; readonly problems?: readonly { readonly code: string }[] },
    payload: Uint8Array,
    transport: TransportHeader,
    common: MessageAuditContext,
    now: Date,
  ): Promise<ReceiveOutcome> {
    if (await this.messages.find(opened.header.id)) {
      return this.duplicate(opened.header, common, now);
    }
    await this.refuse(payload, transport, {
      code: refusal.code,
      layer: 'message',
      authenticatedHeader: opened.header,
      ...(refusal.problems
        ? { auditDetails: { problems: refusal.problems.map((p) => p.code) } }
        : {}),
    });
    return 'refused';
  }

  /** A duplicate: the receipt sent for it goes again, and the duplicate is on the record. */
  private async duplicate(
    header: MessageHeader,
    common: MessageAuditContext,
    now: Date,
  ): Promise<ReceiveOutcome> {
    await this.messages.transaction(async (tx) => {
      const sent = await this.messages.receipt(header.id, 'sent', tx);
      if (sent)
        await this.messages.enqueue(
          tx,
          receiptEntry(header.id, header.from.party, sent.signed, now),
        );
      await this.audit.append(
        {
          ...common,
          type: MESSAGE_ARRIVALS.receive.audit,
          outcome: 'failure',
          errorCode: 'DUPLICATE_MESSAGE',
          details: { receiptResent: sent !== undefined },
        },
        { db: tx },
      );
    });
    this.metrics.receiveRefused('message.received', 'DUPLICATE_MESSAGE', {
      type: header.type,
      peer: header.from.party,
    });
    return 'duplicate';
  }

  private async refuse(
    payload: Uint8Array,
    transport: TransportHeader,
    error: Refusal,
  ): Promise<void> {
    const now = this.clock.now();
    const sender = error.authenticatedHeader;
    const evidence = deliveryEvidence(payload);
    this.logger.warn(
      logLine({
        msg: `refused envelope ${transport.id ?? '(no id)'}: ${error.code}`,
        messageId: sender?.id ?? null,
        code: error.code,
      }),
    );
    await this.messages.transaction(async (tx) => {
      await this.messages.enqueue(
        tx,
        deadLetterEntry(
          this.config.gateway.party,
          // Labelled with the authenticated id where there is one (#10.12: an OpenSSL-made
          // envelope carries none in its transport properties).
          {
            payload,
            transportMessageId: sender?.id ?? transport.id,
            evidence,
            fromParty: sender?.from.party,
          },
          error,
          now,
        ),
      );
      await this.audit.append(
        {
          type: 'message.rejected',
          actor: { authority: sender?.from.authority ?? null, role: 'gateway', user: null },
          // Only an authenticated id names the message; an unauthenticated claim stays a detail.
          messageId: sender?.id ?? null,
          correlationId: sender?.correlationId ?? null,
          parties: sender ? [sender.from.party, sender.to.party] : [this.config.gateway.party],
          agreement: sender?.agreement ?? null,
          outcome: 'failure',
          errorCode: error.code,
          details: {
            layer: error.layer ?? null,
            claimedMessageId: sender ? null : (transport.id ?? null),
            ...evidenceDetails(evidence),
            ...(error.auditDetails ?? {}),
            deadLettered: true,
          },
        },
        { db: tx },
      );
      if (sender) {
        const receipt = await this.envelopes.signReceipt(
          this.receipt(sender.id, null, sender.from.party, 'rejected', error.code, now),
          sender.agreement,
        );
        await this.messages.enqueue(tx, receiptEntry(sender.id, sender.from.party, receipt, now));
      }
    });
    this.metrics.deadLettered(error.code);
    this.metrics.receiveRefused(
      'message.rejected',
      error.code,
      sender ? { type: sender.type, peer: sender.from.party } : undefined,
    );
    this.outbox.notify();
  }

  private receipt(
    messageId: string,
    digest: string | null,
    to: string,
    status: Receipt['status'],
    code: string | null,
    at: Date,
  ): Receipt {
    return {
      format: 'mxg-receipt/1',
      messageId,
      digest,
      status,
      code,
      from: this.config.gateway.party,
      to,
      receivedAt: at.toISOString(),
    };
  }
}

/**
 * When the message was signed and sealed, as verified: fixed in the receipt beside when it
 * arrived, so a later re-verification judges revocation and authority as of those times.
 */
function signedAndSealed(opened: OpenedEnvelope): Pick<Receipt, 'signedAt' | 'sealedAt'> {
  return {
    signedAt: opened.innerReport.signingTime?.toISOString(),
    sealedAt: opened.outer.signingTime?.toISOString(),
  };
}
