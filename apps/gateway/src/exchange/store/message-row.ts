import type { MessageHeader } from '@mxg/envelope';
import type { MessageDirection, MessageStatus } from '@mxg/lifecycle';
import type { MessageRecord } from '../exchange.types';

/** A row of `messages` as PostgreSQL returns it. */
export interface MessageRow {
  id: string;
  direction: MessageDirection;
  type: MessageHeader['type'];
  agreement: string;
  from_party: string;
  from_authority: string;
  to_party: string;
  to_authority: string;
  correlation_id: string;
  in_reply_to: string | null;
  digest: string;
  signatory_id: string;
  created_at: Date;
  recorded_at: Date;
  status: MessageStatus;
  status_code: string | null;
  status_at: Date;
  attempts: number;
  receipt_due_at: Date | null;
  submitted_by: string | null;
  request_digest: string | null;
  destroyed_at: Date | null;
  destroyed_reason: string | null;
  recipient_destroyed_at: Date | null;
  recipient_destruction_notice: string | null;
}

export function toRecord(r: MessageRow): MessageRecord {
  return {
    id: r.id,
    direction: r.direction,
    type: r.type,
    agreement: r.agreement,
    // char(2) columns come back padded.
    from: { party: r.from_party.trim(), authority: r.from_authority },
    to: { party: r.to_party.trim(), authority: r.to_authority },
    correlationId: r.correlation_id,
    inReplyTo: r.in_reply_to,
    digest: r.digest,
    signatoryId: r.signatory_id,
    createdAt: r.created_at,
    recordedAt: r.recorded_at,
    status: r.status,
    statusCode: r.status_code,
    statusAt: r.status_at,
    attempts: r.attempts,
    receiptDueAt: r.receipt_due_at,
    submittedBy: r.submitted_by,
    requestDigest: r.request_digest,
    destroyedAt: r.destroyed_at ?? null,
    destroyedReason: r.destroyed_reason ?? null,
    recipientDestroyedAt: r.recipient_destroyed_at ?? null,
    recipientDestructionNotice: r.recipient_destruction_notice ?? null,
  };
}
