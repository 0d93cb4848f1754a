import type { AuditEventInput } from '@mxg/audit';
import type { SqlClient } from '@mxg/database';
import type { MessageHeader, SealedMessageContent } from '@mxg/envelope';
import type { MessageDirection, MessageStatus, MessageTrigger } from '@mxg/lifecycle';
import type { OutboxProperties, OutboxRow } from '../exchange.types';
import type { NewRequest } from './request.types';

/** A transaction or the pool: every write takes one, so callers choose what commits together. */
export type Db = SqlClient;

export interface NewMessage {
  readonly header: MessageHeader;
  readonly direction: MessageDirection;
  readonly digest: string;
  readonly signatoryId: string;
  readonly status: MessageStatus;
  readonly at: Date;
  readonly content: Uint8Array;
  readonly signed: Uint8Array;
  readonly envelope?: Uint8Array;
  readonly submittedBy?: string;
  readonly idempotencyKey?: string;
  readonly requestDigest?: string;
}

export interface NewOutboxEntry {
  readonly messageId: string;
  readonly kind: OutboxRow['kind'];
  readonly exchange: string;
  readonly routingKey: string;
  /** `null` for an envelope: the relay sends the one stored with the message (`message_contents.envelope`). */
  readonly payload: Uint8Array | null;
  readonly properties: OutboxProperties;
  readonly at: Date;
}

export interface NewReceipt {
  readonly messageId: string;
  readonly direction: 'sent' | 'received';
  readonly status: 'accepted' | 'rejected';
  readonly code: string | null;
  readonly signed: Uint8Array;
  readonly at: Date;
}

/** Rows written in the same statement as a new message, and only if the message is new. */
export interface WithNewMessage {
  /** The receipt this gateway sends for it (its message id is the new message's). */
  readonly receipt?: Omit<NewReceipt, 'messageId'>;
  readonly outbox?: NewOutboxEntry;
  /** Audit entries for the new message (recorded at its `at`): they exist exactly when it does. */
  readonly audit?: readonly AuditEventInput[];
  /** The request the new message opens (MIG-9.2): its id is the message's. */
  readonly request?: NewRequest;
  /** MIG-11.5: its retention row (see RetentionStamp). */
  readonly retention?: NewRetention;
  /**
   * MIG-11.2, MIG-11.3: handling restrictions the new message sets (codes only) — on itself (an
   * answer's `handling`) or on earlier messages (a handling-restriction); added by the new message.
   */
  readonly restrictions?: readonly NewRestriction[];
}

/** MIG-11.5: how long a new message is kept, decided when it is stored. */
export interface NewRetention {
  /** The information categories it carries (MIG-4, MIG-5): its own, or its request's. */
  readonly categories: readonly string[];
  /** The rule of `config/retention.yaml` that sets its period: `default`, `category:<code>`, `kept`. */
  readonly rule: string;
  /** When it is due for destruction; `null`: never by the schedule. */
  readonly retainUntil: Date | null;
}

/** One restriction code on one message. */
export interface NewRestriction {
  readonly messageId: string;
  readonly restriction: string;
}

/** One new message and the rows that exist exactly when it does. */
export interface MessageInsert {
  readonly message: NewMessage;
  readonly also: WithNewMessage;
}

/** A new message with its content and signed original encrypted for storage (MIG-11.4). */
export interface SealedInsert extends MessageInsert {
  readonly sealed: SealedMessageContent;
}

/**
 * An audit entry of a transition, without its type: the lifecycle table names the event each
 * transition writes (`transitionAudit`), so no caller can write another.
 */
export type TransitionAuditEntry = Omit<AuditEventInput, 'type'>;

/** What else a transition changes beside the status. */
export interface StatusChange {
  /** Why the message was rejected or failed: a stable error code. */
  readonly code?: string | null;
  /** Set (`null`: cleared) when given; kept otherwise. */
  readonly receiptDueAt?: Date | null;
  readonly attempts?: number;
  /** Written (at the transition's time) in the same statement, and only if the message moved. */
  readonly audit?: readonly TransitionAuditEntry[];
}

/** A message moved by a trigger of the lifecycle table. */
export interface MessageMove {
  readonly id: string;
  readonly trigger: MessageTrigger;
  readonly at: Date;
  readonly change: StatusChange;
}

/** What a receipt that came back for a message this gateway sent does to that message. */
export type ReceiptTrigger = Extract<MessageTrigger, 'receipt-accepted' | 'receipt-rejected'>;

/** A receipt that came back for a message this gateway sent, and what it changes. */
export interface ReceiptRecord {
  readonly receipt: Omit<NewReceipt, 'direction'>;
  readonly trigger: ReceiptTrigger;
  /** Entries for the message, written (at the receipt's time) only for the first copy. */
  readonly audit: readonly TransitionAuditEntry[];
  /**
   * MIG-10.3: the deadline the receiver's signed receipt states for the request the message
   * opened, recorded on that request in the same statement — for every copy, unless one is
   * recorded already (so it is never moved).
   */
  readonly requestDue?: RequestDue;
}

/** MIG-10.3: when the requested gateway received a request, and the deadline that follows. */
export interface RequestDue {
  readonly receivedAt: Date;
  /** The calendar date at the requested authority (YYYY-MM-DD). */
  readonly receivedOn: string;
  readonly dueOn: string;
}

/**
 * A message's stored content, decrypted (MIG-11.4): `available` with the canonical message, the
 * signatory's SignedData and (outgoing only) the envelope as sent; or `destroyed` — its data key
 * or its content is gone (crypto-shredding, MIG-11.5), and nothing of it can be read any more.
 */
export type MessageContent =
  | {
      readonly state: 'available';
      readonly content: Buffer;
      readonly signed: Buffer;
      readonly envelope: Buffer | null;
    }
  | { readonly state: 'destroyed' };

export interface StoredReceipt {
  readonly status: string;
  readonly code: string | null;
  readonly signed: Buffer;
  readonly recordedAt: Date;
}
