import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MxgError } from '@mxg/core';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import {
  type ApiErrorBody,
  type ApiErrorCode,
  apiErrorOf,
  RETRY_AFTER_SECONDS,
} from './api-errors';
import { allowedMethods, pathOf, type RouteEntry } from './allowed-methods';
import { API_VERSION, apiPath } from './api-version';
import { BodyRefused } from './body-reader';

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
 * SERVICE_UNAVAILABLE with `Retry-After`), the HTTP server's own refusals of a request it could
 * not take (a malformed URL or Content-Type) by their status. Anything else is the gateway's
 * fault: 500, logged by message only — never a stack trace or content in the answer.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  /** `routes`: every route the server has, as registered — what 405's `Allow` is read from. */
  constructor(private readonly routes: Iterable<RouteEntry>) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const answer = this.answer(error, request);
    if (reply.raw.headersSent) {
      reply.raw.end();
      return;
    }
    if (answer.status === 503) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    if (answer.allow !== undefined) reply.header('Allow', answer.allow);
    // Fastify closes the connection after a parser's refusal; the body reader drains the body
    // instead, so that the client reads this answer rather than a reset (BodyRefused).
    if (error instanceof BodyRefused) reply.removeHeader('connection');
    // Explicit: a handler may have set another type (a PDF, a CRL) before it failed.
    void reply
      .code(answer.status)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(answer.body));
  }

  private answer(error: unknown, request: FastifyRequest): Answer {
    if (error instanceof MxgError) {
      const known = apiErrorOf(error);
      if (known) return known;
      return this.internal(`unmapped error code ${error.code}: ${error.message}`);
    }
    if (error instanceof HttpException) return this.httpException(error, request);
    const refused = frameworkRefusal(error);
    if (refused !== undefined) return refused;
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

  private httpException(error: HttpException, request: FastifyRequest): Answer {
    const status = error.getStatus();
    // `is404`: the server's not-found handler, so no route has this method and path.
    if (error instanceof NotFoundException && request.is404) {
      const path = pathOf(request.url);
      const allow = allowedMethods(this.routes, path);
      return allow.length > 0
        ? {
            status: 405,
            allow: allow.join(', '),
            body: {
              code: 'METHOD_NOT_ALLOWED',
              message: `${request.method} is not allowed here; use ${allow.join(', ')}`,
            },
          }
        : { status: 404, body: { code: 'NOT_FOUND', message: this.noRoute(path) } };
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

  /** A path of the API without its version (a client written before it) is told where it went. */
  private noRoute(path: string): string {
    const versioned = apiPath(path);
    return !path.startsWith(`/${API_VERSION}/`) && allowedMethods(this.routes, versioned).length > 0
      ? `no route ${path}: the API is versioned, use ${versioned}`
      : `no route ${path}`;
  }

  private internal(logged: string): Answer {
    this.logger.error(logged);
    return {
      status: 500,
      body: { code: 'INTERNAL_ERROR', message: 'the gateway could not handle the request' },
    };
  }
}

/**
 * The answer to a request Fastify refuses before routing it (`frameworkErrors`: a URL it cannot
 * decode), which no filter sees: the same one shape, 400 MALFORMED_REQUEST.
 */
export function answerFrameworkError(
  error: Error,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { status, body } = frameworkRefusal(error) ?? {
    status: 400,
    body: { code: 'MALFORMED_REQUEST', message: 'the request could not be read' },
  };
  void reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/**
 * Fastify's own refusals of a request before any route ran it (`FST_ERR_*` with a 4xx status:
 * a malformed Content-Type or URL, a Content-Length that does not match the body), answered in
 * the one shape with the code of their status.
 */
function frameworkRefusal(error: unknown): Answer | undefined {
  const { code, statusCode, message } = (error ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return {
    status: statusCode,
    body: {
      code: CODE_OF_STATUS[statusCode] ?? 'MALFORMED_REQUEST',
      message: typeof message === 'string' ? message : 'the request could not be read',
    },
  };
}
