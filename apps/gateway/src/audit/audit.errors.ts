import { HttpStatus } from '@nestjs/common';
import { AuditErrorCode } from '@mxg/audit';
import { MxgError } from '@mxg/core';

/** Stable codes of the audit API's own refusals. */
export const AuditApiErrorCode = {
  QueryInvalid: 'AUDIT_QUERY_INVALID',
  WitnessRequestInvalid: 'AUDIT_WITNESS_REQUEST_INVALID',
} as const;
export type AuditApiErrorCode = (typeof AuditApiErrorCode)[keyof typeof AuditApiErrorCode];

/** Audit domain errors → HTTP, keeping the stable code (a peer's witness client switches on it). */
export const AUDIT_ERROR_STATUS: Readonly<Record<AuditErrorCode | AuditApiErrorCode, number>> = {
  [AuditErrorCode.InclusionProofInvalid]: HttpStatus.UNPROCESSABLE_ENTITY,
  [AuditErrorCode.ConsistencyProofInvalid]: HttpStatus.CONFLICT,
  [AuditErrorCode.CheckpointMalformed]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.CheckpointSignatureInvalid]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.CheckpointAlreadySigned]: HttpStatus.CONFLICT,
  [AuditErrorCode.CheckpointKeyUnsupported]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.CheckpointOriginMismatch]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.CheckpointInconsistent]: HttpStatus.CONFLICT,
  [AuditErrorCode.EntryInvalid]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.CertificateUntrusted]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.LogDiverged]: HttpStatus.CONFLICT,
  [AuditErrorCode.WitnessFailed]: HttpStatus.BAD_GATEWAY,
  [AuditErrorCode.ExportUnreadable]: HttpStatus.BAD_REQUEST,
  [AuditApiErrorCode.QueryInvalid]: HttpStatus.BAD_REQUEST,
  [AuditApiErrorCode.WitnessRequestInvalid]: HttpStatus.BAD_REQUEST,
};

export class AuditApiError extends MxgError {
  constructor(
    override readonly code: AuditApiErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
