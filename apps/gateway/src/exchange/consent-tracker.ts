import { Injectable } from '@nestjs/common';
import type { AuditEventInput } from '@mxg/audit';
import type { SqlClient } from '@mxg/database';
import { MxgConfigService } from '@mxg/config';
import { decodeMessage, type MessageHeader } from '@mxg/envelope';
import {
  type ConsentAuditEvent,
  type ConsentRefusal,
  type ConsentRefusalCode,
  type ConsentSide,
  type ConsentState,
  type ConsentTarget,
  consentTransition,
  isConsentMessageType,
  localDate,
} from '@mxg/lifecycle';
import type { ConsentUse } from '@mxg/messages';
import type { MessageAuditContext } from './message-audit-context';
import type { MessageRecord } from './exchange.types';
import { ConsentStore } from './store/consent.store';
import type { ConsentAdvance, ConsentRecord, NewConsent } from './store/consent.types';
import { ExchangeStore } from './store/exchange.store';

/** What a message does to its consent, decided and ready to be written with the message. */
export type ConsentMove =
  | {
      readonly ok: true;
      /** The consent audit event; `null` for a message that is no consent's. */
      readonly event: ConsentAuditEvent | null;
      readonly consentId: string | null;
      /** Ids and codes for the audit entry. */
      readonly details: Readonly<Record<string, string | number | null>>;
      /**
       * Registers or moves the consent; call it in the transaction that stores the message (and
       * in which `decide` locked the consent), only if the message was new.
       */
      readonly apply: (db: SqlClient) => Promise<void>;
    }
  | ConsentRefusal;

export type AcceptedConsentMove = Extract<ConsentMove, { ok: true }>;

/** The audit entry of a consent's move, in the message's own context (none for other messages). */
export function consentAudit(
  move: AcceptedConsentMove,
  context: MessageAuditContext,
): AuditEventInput[] {
  if (move.event === null) return [];
  return [{ ...context, type: move.event, details: move.details }];
}

const UNTRACKED: ConsentMove = {
  ok: true,
  event: null,
  consentId: null,
  details: {},
  apply: async () => {},
};

interface ConsentRequestBody {
  readonly messages: readonly string[];
  readonly use: ConsentUse;
  readonly recipient?: { readonly id: string };
  readonly purpose?: string;
}

/**
 * Applies the consent lifecycle (`@mxg/lifecycle`, MIG-11.2, MIG-11.3) to a message about to be
 * stored, on either side of the border: the sender before it seals, the receiver before it
 * stores; both decide from the same table over the same registry row, so they agree. Beyond
 * the table it checks what only the registry knows: a consent-request names messages its
 * sender received from its addressee (on the provider's side: that the provider sent it), and
 * a grant's `validUntil` has not passed at the provider.
 */
@Injectable()
export class ConsentTracker {
  constructor(
    private readonly config: MxgConfigService,
    private readonly consents: ConsentStore,
    private readonly exchange: ExchangeStore,
  ) {}

  /** `decide` in a short transaction of its own, to refuse before the message is sealed or stored. */
  precheck(
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    direction: 'outgoing' | 'incoming',
    at: Date,
  ): Promise<ConsentMove> {
    if (!isConsentMessageType(header.type)) return Promise.resolve(UNTRACKED);
    return this.exchange.transaction((tx) => this.decide(tx, header, body, direction, at));
  }

  /** The move `header` makes, decided in `db`'s transaction with the consent row locked. */
  async decide(
    db: SqlClient,
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    direction: 'outgoing' | 'incoming',
    at: Date,
  ): Promise<ConsentMove> {
    const type = header.type;
    if (!isConsentMessageType(type)) return UNTRACKED;
    let consent: ConsentRecord | undefined;
    let target: ConsentTarget = { kind: 'none' };
    let side: ConsentSide = 'requester';
    if (header.inReplyTo !== null) {
      if (type !== 'consent-request') consent = await this.consents.lock(db, header.correlationId);
      if (consent) {
        const sideOf = this.sideOf(consent, header);
        if (sideOf === undefined) return notYours(type, header.correlationId);
        side = sideOf;
        target = { kind: 'consent', state: consent.state, agreement: consent.agreement };
      } else {
        const root = await this.exchange.find(header.correlationId, db);
        if (root) target = { kind: 'not-a-consent', type: root.type };
      }
    }
    const moved = consentTransition({ target, type, side, agreement: header.agreement });
    if (!moved.ok) return moved;
    const refuse = (code: ConsentRefusalCode, why: string): ConsentRefusal => ({
      ok: false,
      code,
      message: `a ${type} from the ${side} authority: ${why} (${moved.treaty})`,
      treaty: moved.treaty,
    });

    if (type === 'consent-request') {
      const request = body as unknown as ConsentRequestBody;
      const unknown = await this.unknownSubjects(db, header, request.messages, direction);
      if (unknown > 0) {
        return refuse(
          'CONSENT_SUBJECT_UNKNOWN',
          direction === 'outgoing'
            ? `${unknown} of the messages it names did not come to ${header.from.authority} from ${header.to.authority}; consent is asked for information received from the provider`
            : `${unknown} of the messages it names were not sent by ${header.to.authority} to ${header.from.authority}`,
        );
      }
      const open: NewConsent = {
        id: header.id,
        agreement: header.agreement,
        side: direction === 'outgoing' ? 'requester' : 'provider',
        requester: header.from,
        provider: header.to,
        messages: [...request.messages],
        use: request.use,
        recipientId: request.recipient?.id ?? null,
        purpose: request.purpose ?? null,
        state: moved.state,
        requestedAt: at,
      };
      return {
        ok: true,
        event: moved.event,
        consentId: header.id,
        details: {
          consent: header.id,
          use: open.use,
          recipient: open.recipientId,
          purpose: open.purpose,
          messages: open.messages.length,
        },
        apply: (tx) => this.consents.insert(tx, open),
      };
    }

    const id = consent!.id;
    const advance: ConsentAdvance = { state: moved.state, at, ...this.recorded(type, header.id) };
    let validUntil: string | null = null;
    if (type === 'consent-grant') {
      validUntil = typeof body.validUntil === 'string' ? body.validUntil : null;
      const today = localDate(at, this.config.treaty.authorityTimeZone(header.from.authority));
      // Only the sender's own date decides: a grant sent on its last day may arrive on the next.
      if (direction === 'outgoing' && validUntil !== null && validUntil < today) {
        return refuse(
          'CONSENT_VALIDITY_PAST',
          `validUntil ${validUntil} is before today (${today}) at ${header.from.authority}`,
        );
      }
    }
    return {
      ok: true,
      event: moved.event,
      consentId: id,
      details: { consent: id, ...(validUntil === null ? {} : { validUntil }) },
      apply: (tx) => this.consents.advance(tx, id, { ...advance, validUntil }),
    };
  }

  /**
   * A consent message was refused by its receiver (a negative receipt): nothing moved there, so
   * the consent is rebuilt here from its messages that were not refused, through the same
   * table — the two registries agree again. A refused consent-request leaves no consent.
   */
  async rollBack(db: SqlClient, refused: MessageRecord): Promise<void> {
    if (!isConsentMessageType(refused.type)) return;
    const consent = await this.consents.lock(db, refused.correlationId);
    if (!consent) return;
    if (refused.id === consent.id) return this.consents.remove(db, consent.id);
    let state: ConsentState = 'requested';
    let rebuilt: Required<ConsentAdvance> = {
      state,
      at: consent.requestedAt,
      grantMessageId: null,
      denialMessageId: null,
      revocationMessageId: null,
      validUntil: null,
    };
    for (const m of await this.exchange.conversation(consent.id)) {
      if (m.status === 'rejected' || m.id === refused.id || m.id === consent.id) continue;
      if (!isConsentMessageType(m.type)) continue;
      const side = m.from.authority === consent.provider.authority ? 'provider' : 'requester';
      const moved = consentTransition({
        target: { kind: 'consent', state, agreement: consent.agreement },
        type: m.type,
        side,
        agreement: m.agreement,
      });
      if (!moved.ok) continue;
      state = moved.state;
      let validUntil = rebuilt.validUntil;
      if (m.type === 'consent-grant') {
        // A destroyed grant's content is gone (MIG-11.5): its recorded expiry stands.
        const stored = await this.exchange.content(m.id, db);
        if (stored?.state === 'available') {
          const { body } = decodeMessage(stored.content);
          validUntil = typeof body.validUntil === 'string' ? body.validUntil : null;
        }
      }
      rebuilt = { ...rebuilt, ...this.recorded(m.type, m.id), state, at: m.recordedAt, validUntil };
    }
    await this.consents.rebuild(db, consent.id, rebuilt);
  }

  private recorded(type: string, messageId: string): Partial<ConsentAdvance> {
    if (type === 'consent-grant') return { grantMessageId: messageId };
    if (type === 'consent-denial') return { denialMessageId: messageId };
    if (type === 'consent-revocation') return { revocationMessageId: messageId };
    return {};
  }

  /**
   * How many of `ids` are not messages the consent's provider sent its requester: on the
   * requester's gateway, messages received by the sending authority from the addressee; on the
   * provider's, messages it sent. A message its receiver refused (a negative receipt) never counts.
   */
  private async unknownSubjects(
    db: SqlClient,
    header: MessageHeader,
    ids: readonly string[],
    direction: 'outgoing' | 'incoming',
  ): Promise<number> {
    const requester = header.from.authority;
    const provider = header.to.authority;
    const known = (await this.consents.subjects(db, ids)).filter(
      (m) =>
        m.direction === (direction === 'outgoing' ? 'incoming' : 'outgoing') &&
        m.fromAuthority === provider &&
        m.toAuthority === requester &&
        m.status !== 'rejected',
    );
    return new Set(ids).size - known.length;
  }

  private sideOf(consent: ConsentRecord, header: MessageHeader): ConsentSide | undefined {
    const { requester, provider } = consent;
    if (header.from.authority === requester.authority && header.to.authority === provider.authority)
      return 'requester';
    if (header.from.authority === provider.authority && header.to.authority === requester.authority)
      return 'provider';
    return undefined;
  }
}

/** An authority that is neither end of the consent names it: as if there were none. */
function notYours(type: string, id: string): ConsentRefusal {
  return {
    ok: false,
    code: 'CONSENT_NOT_FOUND',
    message: `a ${type} for consent ${id}, which is not a consent between these authorities (MIG-11.3)`,
    treaty: 'MIG-11.3',
  };
}
