import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { MxgError } from '@mxg/core';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import {
  type ApiErrorBody,
  type ApiErrorCode,
  apiErrorOf,
  RETRY_AFTER_SECONDS,
} from './api-errors';
import { allowedMethods } from './allowed-methods';

interface Answer {
  readonly status: number;
  readonly body: ApiErrorBody;
  readonly allow?: string;
}

/** The code of an HTTP exception that carries none of its own (Nest's, or a library's). */
const CODE_OF_STATUS: Readonly<Record<number, ApiErrorCode>> = {
  400: 'MALFORMED_REQUEST',
  401: 'AUTH_UNAUTHENTICATED',
  403: 'AUTH_FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Every route's refusals in one shape, `{ code, message, errors? }`, with the status the code
 * has in API_ERROR_STATUS: domain errors, Nest's own exceptions (a path no route has is 404
 * NOT_FOUND, one that exists for other methods 405 with `Allow`), and a database outage (503
 * SERVICE_UNAVAILABLE with `Retry-After`). Anything else is the gateway's fault: 500, logged
 * by message only — never a stack trace or content in the answer.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const answer = this.answer(error, request);
    if (response.headersSent) {
      response.end();
      return;
    }
    if (answer.status === 503) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (answer.allow !== undefined) response.setHeader('Allow', answer.allow);
    response.status(answer.status).json(answer.body);
  }

  private answer(error: unknown, request: Request): Answer {
    if (error instanceof MxgError) {
      const known = apiErrorOf(error);
      if (known) return known;
      return this.internal(`unmapped error code ${error.code}: ${error.message}`);
    }
    if (error instanceof HttpException) return this.httpException(error, request);
    if (isDatabaseUnavailable(error)) {
      this.logger.warn(`database unavailable: ${(error as Error).message}`);
      return {
        status: 503,
        body: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'the gateway’s database is unavailable; nothing was stored — try again later',
        },
      };
    }
    return this.internal(
      `unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  private httpException(error: HttpException, request: Request): Answer {
    const status = error.getStatus();
    // `request.route` is set once a route matched: without it, no handler has this path.
    if (error instanceof NotFoundException && request.route === undefined) {
      const allow = allowedMethods(request);
      return allow.length > 0
        ? {
            status: 405,
            allow: allow.join(', '),
            body: {
              code: 'METHOD_NOT_ALLOWED',
              message: `${request.method} is not allowed here; use ${allow.join(', ')}`,
            },
          }
        : { status: 404, body: { code: 'NOT_FOUND', message: `no route ${request.path}` } };
    }
    const raw = error.getResponse();
    const given: Record<string, unknown> =
      typeof raw === 'object' && raw !== null ? { ...raw } : { message: raw };
    if (typeof given.code === 'string') {
      // A handler that chose its code and shape (health's report) keeps them.
      delete given.statusCode;
      return { status, body: given as unknown as ApiErrorBody };
    }
    const message = Array.isArray(given.message)
      ? given.message.join('; ')
      : typeof given.message === 'string'
        ? given.message
        : error.message;
    return {
      status,
      body: {
        code: CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'MALFORMED_REQUEST'),
        message,
      },
    };
  }

  private internal(logged: string): Answer {
    this.logger.error(logged);
    return {
      status: 500,
      body: { code: 'INTERNAL_ERROR', message: 'the gateway could not handle the request' },
    };
  }
}
