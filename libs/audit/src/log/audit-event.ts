/**
 * What the audit log records (issue 4): every transfer step, every consent step (MIG-11.3),
 * every destruction (MIG-11.5), every change of configuration or signatory list (MIG-2,
 * MIG-9.4) and every query an auditor runs. The list is closed: a new kind of event is a code
 * change reviewed like any other, never a free-text string.
 */
export const AUDIT_EVENT_TYPES = [
  // Transfer of one message, in order (MIG-9.1).
  'message.submitted',
  'message.sealed',
  'message.published',
  'message.received',
  'message.verified',
  'message.rejected',
  'message.delivered',
  'receipt.sent',
  'receipt.received',
  'message.retried',
  'message.dead-lettered',
  // A security officer's decision on a dead letter (README "Dead letters"): delivered again to
  // this gateway's own inbound processing, or dropped. Code, size and digest — never content.
  'dead-letter.replayed',
  'dead-letter.discarded',
  // A request's life (MIG-8..MIG-11): each move, and a deadline passing unanswered (MIG-10.3).
  'request.opened',
  'request.answered',
  'request.refused',
  'request.partially-refused',
  'request.clarification-requested',
  'request.clarified',
  'request.delay-notified',
  'request.postponed',
  'request.conditions-set',
  'request.confirmation-requested',
  'request.confirmed',
  'request.confidentiality-notified',
  'request.proceeded',
  'request.withdrawn',
  'request.overdue',
  // Consent to onward disclosure and other purposes (MIG-11.2, MIG-11.3).
  'consent.requested',
  'consent.granted',
  'consent.denied',
  'consent.revoked',
  'disclosure.onward',
  // A RET reimbursement claim's life (RET-3.1, RET-4), and its payment deadline passing unpaid.
  'claim.submitted',
  'claim.received',
  'claim.queried',
  'claim.replied',
  'claim.disputed',
  'claim.paid',
  'claim.overdue',
  // Retention (MIG-11.5): the destruction itself stays on the record.
  'data.destroyed',
  // MIG-11.5: a legal hold put on a message and lifted (it suspends destruction), and a
  // recipient's signed notice that it destroyed a message this gateway sent.
  'data.held',
  'data.released',
  'data.recipient-destroyed',
  // Configuration (MIG-2, MIG-9.4, MIG-17).
  'config.changed',
  'signatories.changed',
  // An official exchange rate table imported, or refused (RET-3.7): source, rows, file digest.
  'rates.imported',
  // The auditors themselves are audited.
  'audit.queried',
  'audit.exported',
  // An entry read back no longer matches the leaf hashed into the log (#10.4): the alarm.
  'audit.entry-altered',
  // A peer's checkpoint our witness refused, by code (a fork is also kept as evidence).
  'audit.witness-refused',
  // Handling restrictions a provider set on messages it sent, by code (MIG-11.2, MIG-11.3).
  'handling.restricted',
  // A read of personal data through the API: who, which message, for which purpose (MIG-11.4).
  'data.accessed',
  // A signature file checked through the API (#17): who, the file's digest, verdict and code.
  'signature.checked',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who acted: identifiers only (an authority code, a role, a client or user id), never a name. */
export interface AuditActor {
  readonly authority: string | null;
  readonly role: string | null;
  readonly user: string | null;
}

/** A detail value: identifiers, codes, counts and digests — never personal data (MIG-11.1). */
export type AuditDetailValue = string | number | boolean | null | readonly (string | number)[];
export type AuditDetails = Readonly<Record<string, AuditDetailValue>>;

/** What a writer hands to `AuditAppender.append`. */
export interface AuditEventInput {
  readonly type: AuditEventType;
  readonly actor?: Partial<AuditActor>;
  readonly messageId?: string | null;
  readonly correlationId?: string | null;
  /** ISO 3166-1 alpha-2 codes of the parties concerned. */
  readonly parties?: readonly string[];
  /** Agreement code, e.g. `MIG`, `RET`. */
  readonly agreement?: string | null;
  /** `sha256:<hex>` of the content concerned; the content itself never enters the log. */
  readonly contentDigest?: string | null;
  /** Defaults to `success`; a `failure` carries the stable error code. */
  readonly outcome?: AuditOutcome;
  readonly errorCode?: string | null;
  readonly details?: AuditDetails;
}

/** One entry of the log as it is hashed, exported and shown to auditors. */
export interface AuditEntry {
  /** Gap-free position in the log, from 0: the leaf index in the Merkle tree. */
  readonly seq: number;
  /** When the writer appended it (millisecond precision, UTC). */
  readonly time: Date;
  readonly type: AuditEventType;
  readonly actor: AuditActor;
  readonly messageId: string | null;
  readonly correlationId: string | null;
  readonly parties: readonly string[];
  readonly agreement: string | null;
  readonly contentDigest: string | null;
  readonly outcome: AuditOutcome;
  readonly errorCode: string | null;
  readonly details: AuditDetails;
}
