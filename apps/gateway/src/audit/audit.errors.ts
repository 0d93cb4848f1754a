import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { AuditError, AuditErrorCode } from '@mxg/audit';

/** Stable codes of the audit API's own refusals. */
export const AuditApiErrorCode = {
  QueryInvalid: 'AUDIT_QUERY_INVALID',
} as const;

const STATUS: Partial<Record<AuditErrorCode, HttpStatus>> = {
  [AuditErrorCode.CheckpointInconsistent]: HttpStatus.CONFLICT,
  [AuditErrorCode.CheckpointOriginMismatch]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.CertificateUntrusted]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.CheckpointSignatureInvalid]: HttpStatus.FORBIDDEN,
  [AuditErrorCode.CheckpointMalformed]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.ConsistencyProofInvalid]: HttpStatus.CONFLICT,
  [AuditErrorCode.EntryInvalid]: HttpStatus.BAD_REQUEST,
  [AuditErrorCode.CheckpointKeyUnsupported]: HttpStatus.BAD_REQUEST,
};

/** Audit domain errors → HTTP, keeping the stable code (a peer's witness client switches on it). */
@Catch(AuditError)
export class AuditErrorFilter implements ExceptionFilter {
  catch(error: AuditError, host: ArgumentsHost): void {
    const status = STATUS[error.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(status)
      .json({ statusCode: status, code: error.code, message: error.message });
  }
}
