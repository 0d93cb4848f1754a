import { HttpStatus } from '@nestjs/common';
import { AuditErrorCode } from '@mxg/audit';
import { MxgError } from '@mxg/core';

/** Stable codes of the audit API's own refusals. */
export const AuditApiErrorCode = {
  QueryInvalid: 'AUDIT_QUERY_INVALID',
  WitnessRequestInvalid: 'AUDIT_WITNESS_REQUEST_INVALID',
  /** #15: with TLS on, a witness call without a client certificate. */
  WitnessClientCertificateRequired: 'AUDIT_WITNESS_CLIENT_CERTIFICATE_REQUIRED',
  /**
   * #15: a witness call whose client certificate chains to no witness peer's CA, or to another
   * peer's CA than the party whose log the checkpoint is of.
   */
  WitnessCallerUntrusted: 'AUDIT_WITNESS_CALLER_UNTRUSTED',
  /** A tile, entry bundle or checkpoint the log does not have (yet): tlog-tiles' 404. */
  TileNotFound: 'AUDIT_TILE_NOT_FOUND',
} as const;
export type AuditApiErrorCode = (typeof AuditApiErrorCode)[keyof typeof AuditApiErrorCode];

/**
 * Every audit code a request can meet → its status (c2sp.org/tlog-witness where it has one:
 * 409 for a checkpoint that does not follow what the witness saw, 422 for a bad proof), keeping
 * the stable code: a peer's witness client switches on it.
 */
export const AUDIT_ERROR_STATUS: Readonly<Record<AuditErrorCode | AuditApiErrorCode, number>> = {
  [AuditErrorCode.CheckpointInconsistent]: HttpStatus.CONFLICT,
  [AuditErrorCode.CheckpointStale]: HttpStatus.CONFLICT,
  [AuditErrorCode.CheckpointTimeInvalid]: HttpStatus.UNPROCESSABLE_ENTITY,
  [AuditErrorCode.ConsistencyProofInvalid]: HttpStatus.UNPROCESSABLE_ENTITY,
  [AuditErrorCode.InclusionProofInvalid]: HttpStatus.UNPROCESSABLE_ENTITY,
  [AuditErrorCode.CheckpointOriginMismatch]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.CertificateUntrusted]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.CheckpointSignatureInvalid]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.CheckpointMalformed]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.CheckpointAlreadySigned]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.EntryInvalid]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.CheckpointKeyUnsupported]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.LogDiverged]: HttpStatus.INTERNAL_SERVER_ERROR,
  [AuditErrorCode.WitnessFailed]: HttpStatus.BAD_GATEWAY,
  [AuditErrorCode.ExportUnreadable]: HttpStatus.INTERNAL_SERVER_ERROR,
  [AuditErrorCode.TilePathInvalid]: HttpStatus.NOT_FOUND,
  [AuditApiErrorCode.QueryInvalid]: HttpStatus.BAD_REQUEST,
  [AuditApiErrorCode.WitnessRequestInvalid]: HttpStatus.BAD_REQUEST,
  [AuditApiErrorCode.WitnessClientCertificateRequired]: HttpStatus.UNAUTHORIZED,
  [AuditApiErrorCode.WitnessCallerUntrusted]: HttpStatus.FORBIDDEN,
  [AuditApiErrorCode.TileNotFound]: HttpStatus.NOT_FOUND,
};

export class AuditApiError extends MxgError {
  constructor(
    override readonly code: AuditApiErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
