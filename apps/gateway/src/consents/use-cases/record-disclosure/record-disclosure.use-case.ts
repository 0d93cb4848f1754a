import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditAppender, type AuditEventInput } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock, MxgError } from '@mxg/core';
import { localDate } from '@mxg/lifecycle';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { actingAuthority } from '../../../exchange/message-access';
import type { MessageRecord } from '../../../exchange/exchange.types';
import { publisherActor } from '../../../exchange/message-audit-context';
import { ConsentStore } from '../../../exchange/store/consent.store';
import type { ConsentRecord } from '../../../exchange/store/consent.types';
import { ExchangeStore } from '../../../exchange/store/exchange.store';
import { ConsentsApiError } from '../../consents.errors';
import {
  decideDisclosure,
  type DisclosureDecision,
  type DisclosureIntent,
} from '../../disclosure-rule';
import { readDisclosure } from './record-disclosure.command';

export interface RecordedDisclosure {
  /** This disclosure's id: on every audit entry it wrote. */
  readonly id: string;
  /** The consent (its consent-request's id) the disclosure goes ahead under. */
  readonly consent: string;
  /** The grant message, where its conditions are. */
  readonly grantMessageId: string | null;
  /** The grant's last day, inclusive, at the provider authority. */
  readonly validUntil: string | null;
  readonly messages: readonly string[];
  readonly use: string;
  readonly recipient: string | null;
  readonly purpose: string | null;
}

/**
 * MIG-11.2, MIG-11.3: a national system records an onward transfer or a use for a new purpose
 * BEFORE making it. It goes ahead only under a grant that matches it and is unexpired and
 * unrevoked (`decideDisclosure`); either way each named message gets a `disclosure.onward`
 * audit entry with the consent's id — success, or failure with the code. Input the rule cannot
 * even be asked about (malformed, messages not received by the caller's authority) is audited
 * once, by code.
 */
@Injectable()
export class RecordDisclosure {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly exchange: ExchangeStore,
    private readonly consents: ConsentStore,
    private readonly audit: AuditAppender,
  ) {}

  async execute(client: AuthenticatedClient, bytes: Uint8Array): Promise<RecordedDisclosure> {
    const id = randomUUID();
    const actor = publisherActor(client);
    let audited = false;
    try {
      const authority = actingAuthority(client, this.config.gateway.party);
      const purposes = this.config.vocabulary.purposes.map((p) => p.code);
      const dto = await readDisclosure(bytes, purposes);
      const intent: DisclosureIntent = {
        messages: dto.messages,
        use: dto.use,
        recipient: dto.recipient ?? null,
        purpose: dto.purpose ?? null,
      };
      const subjects = await this.received(authority, intent.messages);
      const now = this.clock.now();
      const decision = decideDisclosure(
        await this.consents.askedFor(authority, intent.messages),
        intent,
        (c) => localDate(now, this.config.treaty.authorityTimeZone(c.provider.authority)),
      );
      audited = true;
      await this.audit.appendMany(subjects.map((m) => this.entry(id, m, intent, decision, actor)));
      if (!decision.ok) throw this.refusal(decision);
      const { consent } = decision;
      return {
        id,
        consent: consent.id,
        grantMessageId: consent.grantMessageId,
        validUntil: consent.validUntil,
        messages: intent.messages,
        use: intent.use,
        recipient: intent.recipient,
        purpose: intent.purpose,
      };
    } catch (error) {
      if (error instanceof MxgError && !audited) {
        await this.audit.append({
          type: 'disclosure.onward',
          actor,
          parties: [this.config.gateway.party],
          outcome: 'failure',
          errorCode: error.code,
          details: { disclosure: id },
        });
      }
      throw error;
    }
  }

  /** The named messages, each received by `authority` (and not refused); else refused. */
  private async received(authority: string, ids: readonly string[]): Promise<MessageRecord[]> {
    const found = await Promise.all(ids.map((m) => this.exchange.find(m)));
    const received = found.filter(
      (m): m is MessageRecord =>
        m?.direction === 'incoming' && m.to.authority === authority && m.status !== 'rejected',
    );
    if (received.length !== ids.length) {
      throw new ConsentsApiError(
        'DISCLOSURE_SUBJECT_UNKNOWN',
        `${ids.length - received.length} of the ${ids.length} named messages did not come to ${authority}: only information it received is disclosed under a consent`,
      );
    }
    return received;
  }

  private entry(
    id: string,
    m: MessageRecord,
    intent: DisclosureIntent,
    decision: DisclosureDecision,
    actor: AuditEventInput['actor'],
  ): AuditEventInput {
    const consent: ConsentRecord | null = decision.consent;
    return {
      type: 'disclosure.onward',
      actor,
      messageId: m.id,
      correlationId: m.correlationId,
      parties: [m.to.party, m.from.party],
      agreement: m.agreement,
      outcome: decision.ok ? 'success' : 'failure',
      errorCode: decision.ok ? null : decision.code,
      details: {
        disclosure: id,
        consent: consent?.id ?? null,
        grant: consent?.grantMessageId ?? null,
        use: intent.use,
        recipient: intent.recipient,
        purpose: intent.purpose,
      },
    };
  }

  private refusal(decision: Extract<DisclosureDecision, { ok: false }>): ConsentsApiError {
    const c = decision.consent;
    const why: Record<typeof decision.code, string> = {
      CONSENT_REQUIRED: c
        ? `consent ${c.id} for this use is still awaited from ${c.provider.authority}`
        : 'no consent was asked for this use of these messages: send a consent-request first',
      CONSENT_DENIED: `consent ${c?.id} was denied by ${c?.provider.authority}`,
      CONSENT_EXPIRED: `consent ${c?.id} held until ${c?.validUntil} at ${c?.provider.authority}; ask again`,
      CONSENT_REVOKED: `consent ${c?.id} was revoked by ${c?.provider.authority}`,
      CONSENT_MISMATCH: `consent ${c?.id} names another third party, purpose or messages; ask for consent for this one`,
    };
    return new ConsentsApiError(decision.code, `${why[decision.code]} (MIG-11.2, MIG-11.3)`);
  }
}
