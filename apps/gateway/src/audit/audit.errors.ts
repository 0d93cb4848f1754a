import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { AuditError, AuditErrorCode } from '@mxg/audit';

/** Stable codes of the audit API's own refusals. */
export const AuditApiErrorCode = {
  QueryInvalid: 'AUDIT_QUERY_INVALID',
  WitnessRequestInvalid: 'AUDIT_WITNESS_REQUEST_INVALID',
} as const;

/**
 * Every audit code a request can meet → its status (c2sp.org/tlog-witness where it has one:
 * 409 for a checkpoint that does not follow what the witness saw, 422 for a bad proof); typed
 * over the whole union, so a new code cannot silently become 500.
 */
const STATUS: Record<AuditErrorCode, HttpStatus> = {
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
};

/** Audit domain errors → HTTP, keeping the stable code (a peer's witness client switches on it). */
@Catch(AuditError)
export class AuditErrorFilter implements ExceptionFilter {
  catch(error: AuditError, host: ArgumentsHost): void {
    const status = STATUS[error.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
    const lastSeen = error.details.lastSeen;
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(status)
      .json({
        statusCode: status,
        code: error.code,
        message: error.message,
        // tlog-witness: a 409 tells the log which size the witness has, to prove from there.
        ...(typeof lastSeen === 'number' ? { lastSeen } : {}),
      });
  }
}
