import { MxgError } from '@mxg/core';

/** Stable codes of the audit integrity core; auditors' tooling switches on them. */
export const AuditErrorCode = {
  InclusionProofInvalid: 'AUDIT_INCLUSION_PROOF_INVALID',
  ConsistencyProofInvalid: 'AUDIT_CONSISTENCY_PROOF_INVALID',
  CheckpointMalformed: 'AUDIT_CHECKPOINT_MALFORMED',
  CheckpointSignatureInvalid: 'AUDIT_CHECKPOINT_SIGNATURE_INVALID',
  CheckpointAlreadySigned: 'AUDIT_CHECKPOINT_ALREADY_SIGNED',
  CheckpointKeyUnsupported: 'AUDIT_CHECKPOINT_KEY_UNSUPPORTED',
  CheckpointOriginMismatch: 'AUDIT_CHECKPOINT_ORIGIN_MISMATCH',
  CheckpointInconsistent: 'AUDIT_CHECKPOINT_INCONSISTENT',
  EntryInvalid: 'AUDIT_ENTRY_INVALID',
  CertificateUntrusted: 'AUDIT_CERTIFICATE_UNTRUSTED',
  LogDiverged: 'AUDIT_LOG_DIVERGED',
  WitnessFailed: 'AUDIT_WITNESS_FAILED',
  ExportUnreadable: 'AUDIT_EXPORT_UNREADABLE',
} as const;
export type AuditErrorCode = (typeof AuditErrorCode)[keyof typeof AuditErrorCode];

export class AuditError extends MxgError {
  declare readonly code: AuditErrorCode;

  constructor(
    code: AuditErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, details);
  }
}
