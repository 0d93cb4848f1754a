import type { AuditActor, AuditEventInput } from '@mxg/audit';
import { type MessageTrigger, transitionAudit } from '@mxg/lifecycle';
import type { AuthenticatedClient } from '../auth/auth.types';

/** What the audit log names of a message: ids, parties, agreement and digest — no content. */
export interface AuditedMessage {
  readonly id: string;
  readonly correlationId: string;
  readonly agreement: string;
  readonly digest: string;
  readonly from: { readonly party: string };
  readonly to: { readonly party: string };
}

/** The fields every audit entry about one message carries, and who acted. */
export type MessageAuditContext = Required<
  Pick<
    AuditEventInput,
    'actor' | 'messageId' | 'correlationId' | 'parties' | 'agreement' | 'contentDigest'
  >
>;

/**
 * The audit context of a message — a stored record, or a header with its digest — built one way
 * for every step of its transfer (MIG-9.1). Identifiers only (MIG-11.1).
 */
export function messageAuditContext(
  message: AuditedMessage,
  actor: AuditActor,
): MessageAuditContext {
  return {
    actor,
    messageId: message.id,
    correlationId: message.correlationId,
    parties: [message.from.party, message.to.party],
    agreement: message.agreement,
    contentDigest: message.digest,
  };
}

/** A gateway acting for one of its authorities (or for none). */
export function gatewayActor(authority: string | null): AuditActor {
  return { authority, role: 'gateway', user: null };
}

/** A national system's client acting for its authority. */
export function publisherActor(client: AuthenticatedClient): AuditActor {
  return { authority: client.authority, role: 'publisher', user: client.id };
}

/** The audit entry of a transition: its event is the lifecycle table's for `trigger`. */
export function transitionEvent(
  trigger: MessageTrigger,
  context: MessageAuditContext,
  rest: Omit<AuditEventInput, 'type' | keyof MessageAuditContext> = {},
): AuditEventInput {
  return { ...context, ...rest, type: transitionAudit(trigger) };
}
