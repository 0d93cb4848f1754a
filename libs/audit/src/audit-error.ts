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
  /** Conclusive: the log signed two checkpoints that cannot both be true (a fork). */
  CheckpointInconsistent: 'AUDIT_CHECKPOINT_INCONSISTENT',
  /** Not what the witness last saw: an old size, a replay; the log retries from `lastSeen`. */
  CheckpointStale: 'AUDIT_CHECKPOINT_STALE',
  /** Signed in the future beyond the clock-skew allowance, or before the last one seen. */
  CheckpointTimeInvalid: 'AUDIT_CHECKPOINT_TIME_INVALID',
  EntryInvalid: 'AUDIT_ENTRY_INVALID',
  CertificateUntrusted: 'AUDIT_CERTIFICATE_UNTRUSTED',
  LogDiverged: 'AUDIT_LOG_DIVERGED',
  WitnessFailed: 'AUDIT_WITNESS_FAILED',
  ExportUnreadable: 'AUDIT_EXPORT_UNREADABLE',
  /** Not a path of the tlog-tiles layout (c2sp.org/tlog-tiles). */
  TilePathInvalid: 'AUDIT_TILE_PATH_INVALID',
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
