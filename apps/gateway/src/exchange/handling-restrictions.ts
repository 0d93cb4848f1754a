import { Injectable } from '@nestjs/common';
import type { AuditEventInput } from '@mxg/audit';
import type { MessageHeader } from '@mxg/envelope';
import { HANDLING_RESTRICTIONS, HANDLING_TYPES, type HandlingRestriction } from '@mxg/messages';
import type { HandlingErrorCode } from './handling.errors';
import type { MessageAuditContext } from './message-audit-context';
import { ExchangeStore } from './store/exchange.store';
import type { NewRestriction } from './store/exchange-store.types';

const LATER = 'handling-restriction';

/** Why a handling-restriction cannot hold, with its stable code. */
export interface HandlingRefusal {
  readonly code: HandlingErrorCode;
  readonly message: string;
}

type Body = Readonly<Record<string, unknown>>;

const codes = (value: unknown): HandlingRestriction[] =>
  Array.isArray(value)
    ? value.filter((c): c is HandlingRestriction =>
        (HANDLING_RESTRICTIONS as readonly unknown[]).includes(c),
      )
    : [];

const ids = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];

/**
 * Handling restrictions (MIG-11.2, MIG-11.3), on both sides of the border: what an answer's
 * signed `handling` sets on itself, and what a later `handling-restriction` adds to messages its
 * authority sent — recorded as codes (`handling_restrictions`) in the statement that stores the
 * message, audited as `handling.restricted`. The body was checked against its schema before.
 */
@Injectable()
export class HandlingRestrictions {
  constructor(private readonly store: ExchangeStore) {}

  /**
   * A handling-restriction that names a message its authority did not send the addressee: on
   * the sender's side (`outgoing`) a message it sent from that authority to that addressee and
   * its receiver did not refuse; on the receiver's (`incoming`) one it received from that
   * authority for the addressee. `null` for any other message, and for one that holds.
   */
  async refusal(
    header: MessageHeader,
    body: Body,
    direction: 'outgoing' | 'incoming',
  ): Promise<HandlingRefusal | null> {
    if (header.type !== LATER) return null;
    const named = ids(body.messages);
    const found = await Promise.all(named.map((id) => this.store.find(id)));
    const stray = named.find((_, i) => {
      const m = found[i];
      return (
        m === undefined ||
        m.direction !== direction ||
        m.from.authority !== header.from.authority ||
        m.to.authority !== header.to.authority ||
        m.status === 'rejected'
      );
    });
    if (stray === undefined) return null;
    return {
      code: 'HANDLING_TARGET_NOT_SENT',
      message: `message ${stray} is not one ${header.from.authority} sent to ${header.to.authority}: a handling-restriction restricts only the sender's own messages to the addressee (MIG-11.2)`,
    };
  }

  /** The restriction codes the message sets, each on the message it restricts. */
  restrictions(header: MessageHeader, body: Body): NewRestriction[] {
    if (header.type === LATER) {
      const added = codes(body.restrictions);
      return ids(body.messages).flatMap((messageId) =>
        added.map((restriction) => ({ messageId, restriction })),
      );
    }
    if (!(HANDLING_TYPES as readonly string[]).includes(header.type)) return [];
    const handling = body.handling as Body | undefined;
    return codes(handling?.restrictions).map((restriction) => ({
      messageId: header.id,
      restriction,
    }));
  }

  /** `handling.restricted` for a message that sets restrictions: ids and codes only. */
  audit(restrictions: readonly NewRestriction[], context: MessageAuditContext): AuditEventInput[] {
    if (restrictions.length === 0) return [];
    return [
      {
        ...context,
        type: 'handling.restricted',
        details: {
          messages: [...new Set(restrictions.map((r) => r.messageId))],
          restrictions: [...new Set(restrictions.map((r) => r.restriction))],
        },
      },
    ];
  }
}
