import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { MxgError } from '@mxg/core';

/** HTTP status of each domain code; anything unlisted is the gateway's fault (500). */
const STATUS: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  MALFORMED_ENVELOPE: 400,
  MALFORMED_MESSAGE: 400,
  NOT_YOUR_AUTHORITY: 403,
  SIGNATORY_NOT_AUTHORISED: 403,
  MESSAGE_NOT_FOUND: 404,
  ANSWERED_MESSAGE_NOT_FOUND: 422,
  RECIPIENT_UNKNOWN: 422,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  AGREEMENT_NOT_IN_FORCE: 422,
  MESSAGE_TYPE_NOT_ALLOWED: 422,
  AUTHORITY_NOT_REGISTERED: 422,
  ALGORITHM_NOT_ALLOWED: 422,
  SIGNATURE_INVALID: 422,
  CERT_UNTRUSTED: 422,
  CERT_EXPIRED: 422,
  CERT_REVOKED: 422,
  CERT_USAGE_INVALID: 422,
  SIGNING_TIME_OUT_OF_RANGE: 422,
  HEADER_MISMATCH: 422,
  REVOCATION_STATUS_UNKNOWN: 503,
  KEY_NOT_AVAILABLE: 503,
};

/**
 * Domain errors become `{ code, message, errors? }` with the status above (body-parser errors
 * are coded in `create-gateway-app.ts`). Never a stack trace, never content.
 */
@Catch()
export class ExchangeErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ExchangeErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof MxgError) {
      const status = STATUS[error.code] ?? 500;
      const { errors } = error.details as { errors?: unknown };
      response.status(status).json({
        code: error.code,
        message: error.message.replace(/^[A-Z_]+: /, ''),
        ...(errors ? { errors } : {}),
      });
      return;
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      response
        .status(error.getStatus())
        .json(typeof body === 'string' ? { code: 'HTTP_ERROR', message: body } : body);
      return;
    }
    this.logger.error(
      `unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    );
    response
      .status(500)
      .json({ code: 'INTERNAL_ERROR', message: 'the gateway could not handle the request' });
  }
}
