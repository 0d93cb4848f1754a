import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { MxgError } from '@mxg/core';
import { assertExchangeAllowed, MESSAGE_FORMAT, type MessageHeader } from '@mxg/envelope';
import { initialStatus, MESSAGE_ARRIVALS } from '@mxg/lifecycle';
import { checkMessageBody, type DestructionReason } from '@mxg/messages';
import { EnvelopeService } from '../../../envelope/envelope.service';
import type { MessageRecord } from '../../../exchange/exchange.types';
import { gatewayActor, messageAuditContext } from '../../../exchange/message-audit-context';
import { envelopeEntry } from '../../../exchange/outbox-entries';
import { KEPT_TYPES, RetentionStamp } from '../../../exchange/retention-stamp';
import { ExchangeStore } from '../../../exchange/store/exchange.store';
import type { Db, NewMessage } from '../../../exchange/store/exchange-store.types';

const NOTICE = 'destruction-notice';
/** At most this many messages per notice (its body schema's limit). */
const MAX_PER_NOTICE = 100;

/** A message about to be destroyed, and how. */
export interface Destruction {
  readonly message: MessageRecord;
  readonly reason: DestructionReason;
}

/** What a destruction tells its provider: the notice's id, or why none goes (a code). */
export type NoticeOutcome = { readonly notice: string } | { readonly noticeError: string };

/** Notices sealed and ready to be stored in the transaction that destroys their messages. */
export interface PreparedNotices {
  /** For each destroyed message that was received here: its notice, or why it gets none. */
  readonly outcomes: ReadonlyMap<string, NoticeOutcome>;
  /** Stores the notices (message, envelope, outbox row, audit entries) in `db`. */
  store(db: Db): Promise<void>;
}

/**
 * MIG-11.5: when this gateway destroys messages it received, it tells each providing authority,
 * by a `destruction-notice` it originates: ids, digests, the instant and the reason code of each
 * — signed for the receiving authority by its notice signatory (`noticeSignatories` in
 * `config/retention.yaml`, on that authority's list of signatories, MIG-9.3), sealed for the
 * provider's gateway and sent through the normal exchange (outbox, relay, receipt). One notice
 * per agreement, sending authority and provider, for up to 100 messages.
 *
 * A notice that cannot be sent — the agreement no longer allows the exchange (MIG-17), or the
 * signatory is not authorised today — does not stop the destruction (MIG-11.5 requires the
 * destruction): the message's `data.destroyed` entry names the refusal's code instead.
 */
@Injectable()
export class SendDestructionNotices {
  constructor(
    private readonly config: MxgConfigService,
    private readonly envelopes: EnvelopeService,
    private readonly messages: ExchangeStore,
    private readonly stamp: RetentionStamp,
  ) {}

  async prepare(destructions: readonly Destruction[], now: Date): Promise<PreparedNotices> {
    const outcomes = new Map<string, NoticeOutcome>();
    const groups = new Map<string, Destruction[]>();
    for (const d of destructions) {
      const m = d.message;
      if (m.direction !== 'incoming' || KEPT_TYPES.includes(m.type)) continue;
      const key = `${m.agreement} ${m.to.authority} ${m.from.authority}`;
      const group = groups.get(key) ?? [];
      if (group.length === MAX_PER_NOTICE) {
        groups.set(`${key} ${randomUUID()}`, group);
        groups.set(key, [d]);
      } else {
        group.push(d);
        groups.set(key, group);
      }
    }
    const sealed: { stored: NewMessage; header: MessageHeader; signatory: string }[] = [];
    for (const group of groups.values()) {
      try {
        const notice = await this.seal(group, now);
        sealed.push(notice);
        for (const d of group) outcomes.set(d.message.id, { notice: notice.header.id });
      } catch (error) {
        if (!(error instanceof MxgError)) throw error;
        for (const d of group) outcomes.set(d.message.id, { noticeError: error.code });
      }
    }
    return {
      outcomes,
      store: async (db) => {
        for (const { stored, header, signatory } of sealed) {
          const common = messageAuditContext(
            { ...header, digest: stored.digest },
            gatewayActor(header.from.authority),
          );
          await this.messages.insertMessage(
            stored,
            {
              outbox: envelopeEntry(header, now),
              audit: [
                { type: MESSAGE_ARRIVALS.submit.audit, ...common, details: { type: header.type } },
                { type: 'message.sealed', ...common, details: { signatory } },
              ],
              retention: await this.stamp.stamp(header, {}, now),
            },
            db,
          );
        }
      },
    };
  }

  /** One notice about `group` (same agreement, receiving and providing authority), sealed. */
  private async seal(group: readonly Destruction[], now: Date) {
    const first = group[0].message;
    const id = randomUUID();
    const header: MessageHeader = {
      format: MESSAGE_FORMAT,
      id,
      type: NOTICE,
      agreement: first.agreement,
      from: { party: this.config.gateway.party, authority: first.to.authority },
      to: { party: first.from.party, authority: first.from.authority },
      createdAt: now.toISOString(),
      correlationId: id,
      inReplyTo: null,
    };
    // MIG-2, MIG-17: the agreement is in force, allows the type, and knows both authorities.
    assertExchangeAllowed(header, this.config.treaty, now);
    const signatory = this.signatoryFor(first.agreement, first.to.authority, now);
    const body = {
      messages: group.map((d) => ({
        id: d.message.id,
        digest: d.message.digest,
        destroyedAt: now.toISOString(),
        reasonCode: d.reason,
      })),
    };
    const { problems } = checkMessageBody(NOTICE, body, this.config.vocabulary, now);
    if (problems.length > 0) {
      throw new Error(`destruction notice body: ${problems.map((p) => p.code).join(', ')}`);
    }
    const key = await this.envelopes.keys.signatory(signatory);
    const sealed = await this.envelopes.seal({ header, body }, { key, signatoryId: signatory });
    const stored: NewMessage = {
      header,
      direction: 'outgoing',
      digest: sealed.digest,
      signatoryId: signatory,
      status: initialStatus('submit'),
      at: now,
      content: sealed.content,
      signed: sealed.inner,
      envelope: sealed.envelope,
    };
    return { stored, header, signatory };
  }

  /** The authority's notice signatory, authorised today (MIG-9.3). */
  private signatoryFor(agreement: string, authority: string, now: Date): string {
    const id = this.config.retention.agreements.find((a) => a.agreement === agreement)
      ?.noticeSignatories[authority];
    if (id === undefined || !this.config.treaty.isSignatoryAuthorised(id, authority, now)) {
      throw new MxgError(
        'SIGNATORY_NOT_AUTHORISED',
        `no notice signatory of ${authority} is authorised on ${now.toISOString().slice(0, 10)} (config/retention.yaml, MIG-9.3)`,
      );
    }
    return id;
  }
}
