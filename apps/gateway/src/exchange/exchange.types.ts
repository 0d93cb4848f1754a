import type { MessageHeader } from '@mxg/envelope';
import type { MessageDirection, MessageStatus } from '@mxg/lifecycle';

// The statuses are the lifecycle table's (@mxg/lifecycle); named here too for the exchange's users.
export type { IncomingStatus, MessageStatus, OutgoingStatus } from '@mxg/lifecycle';

/** A message as the exchange tracks it: routing data, ids and digests — no content. */
export interface MessageRecord {
  readonly id: string;
  readonly direction: MessageDirection;
  readonly type: MessageHeader['type'];
  readonly agreement: string;
  readonly from: { party: string; authority: string };
  readonly to: { party: string; authority: string };
  readonly correlationId: string;
  readonly inReplyTo: string | null;
  readonly digest: string;
  readonly signatoryId: string;
  readonly createdAt: Date;
  readonly recordedAt: Date;
  readonly status: MessageStatus;
  /** Why a message was rejected or failed: a stable error code. */
  readonly statusCode: string | null;
  readonly statusAt: Date;
  readonly attempts: number;
  readonly receiptDueAt: Date | null;
  readonly submittedBy: string | null;
  readonly requestDigest: string | null;
  /** MIG-11.5: when its content was destroyed here (key and ciphertext erased), and why (a code). */
  readonly destroyedAt: Date | null;
  readonly destroyedReason: string | null;
  /** MIG-11.5, outgoing: when the recipient destroyed its copy, as its destruction notice says. */
  readonly recipientDestroyedAt: Date | null;
  readonly recipientDestructionNotice: string | null;
}

/** What the broker carries beside the payload; ids and codes only, never personal data. */
export interface OutboxProperties {
  readonly messageId: string;
  readonly type: 'mxg.envelope' | 'mxg.receipt';
  readonly headers: Readonly<Record<string, string>>;
}

export interface OutboxRow {
  readonly id: string;
  readonly messageId: string;
  /** `replay`: a dead letter published again into this gateway's own inbox (README "Dead letters"). */
  readonly kind: 'envelope' | 'receipt' | 'dead-letter' | 'replay';
  readonly exchange: string;
  readonly routingKey: string;
  readonly payload: Buffer;
  readonly properties: OutboxProperties;
  readonly attempts: number;
}
