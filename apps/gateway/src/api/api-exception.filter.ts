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
  API_ERROR_STATUS,
  type ApiErrorCode,
  isApiErrorCode,
  RETRY_AFTER_SECONDS,
} from './api-errors';
import { allowedMethods, pathOf, type RouteEntry } from './allowed-methods';
import { API_VERSION, apiPath } from './api-version';
import { BodyRefused } from './body-reader';
import { logContextOf } from '../logging/request-log';
import { apiErrorOf, problem, PROBLEM_MEDIA_TYPE, type ProblemDetails } from './problem-details';

interface Answer {
  readonly status: number;
  readonly body: ProblemDetails;
  readonly allow?: string;
}

/** A refusal with `code`: its status is always the code's in API_ERROR_STATUS. */
function answerOf(
  code: ApiErrorCode,
  detail: string,
  instance: string,
  extensions?: Record<string, unknown>,
): Answer {
  return {
    status: API_ERROR_STATUS[code],
    body: problem(code, detail, { instance, ...(extensions ? { extensions } : {}) }),
  };
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
 * Every route's refusals in one shape, RFC 9457 problem details (`ProblemDetails`, as
 * `application/problem+json`), with the status the code has in API_ERROR_STATUS: domain errors, Nest's own exceptions (a path no route has is 404
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
    // #17: the request's log line names the code it was refused with.
    const context = logContextOf(request);
    if (context !== undefined) context.code = answer.body.code;
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
    void reply.code(answer.status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(answer.body));
  }

  private answer(error: unknown, request: FastifyRequest): Answer {
    const instance = pathOf(request.url);
    if (error instanceof MxgError) {
      const known = apiErrorOf(error, instance);
      if (known) return known;
      return this.internal(`unmapped error code ${error.code}: ${error.message}`, instance);
    }
    if (error instanceof HttpException) return this.httpException(error, request);
    const refused = frameworkRefusal(error, instance);
    if (refused !== undefined) return refused;
    if (isDatabaseUnavailable(error)) {
      this.logger.warn(`database unavailable: ${(error as Error).message}`);
      return answerOf(
        'SERVICE_UNAVAILABLE',
        'the gateway’s database is unavailable; nothing was stored — try again later',
        instance,
      );
    }
    return this.internal(
      `unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
      instance,
    );
  }

  private httpException(error: HttpException, request: FastifyRequest): Answer {
    const status = error.getStatus();
    const path = pathOf(request.url);
    // `is404`: the server's not-found handler, so no route has this method and path.
    if (error instanceof NotFoundException && request.is404) {
      const allow = allowedMethods(this.routes, path);
      return allow.length > 0
        ? {
            ...answerOf(
              'METHOD_NOT_ALLOWED',
              `${request.method} is not allowed here; use ${allow.join(', ')}`,
              path,
            ),
            allow: allow.join(', '),
          }
        : answerOf('NOT_FOUND', this.noRoute(path), path);
    }
    const raw = error.getResponse();
    const given: Record<string, unknown> =
      typeof raw === 'object' && raw !== null ? { ...raw } : { message: raw };
    const message = Array.isArray(given.message)
      ? given.message.join('; ')
      : typeof given.message === 'string'
        ? given.message
        : error.message;
    if (typeof given.code === 'string' && isApiErrorCode(given.code)) {
      // A handler that chose its code keeps it, and the rest of what it gave as extension
      // members (health's report, which monitoring reads as terminus writes it).
      const extensions = Object.fromEntries(
        Object.entries(given).filter(([k]) => !['code', 'message', 'statusCode'].includes(k)),
      );
      return answerOf(given.code, message, path, extensions);
    }
    const code = CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'MALFORMED_REQUEST');
    if (code === 'INTERNAL_ERROR') return this.internal(`HTTP ${status}: ${message}`, path);
    return answerOf(code, message, path);
  }

  /** A path of the API without its version (a client written before it) is told where it went. */
  private noRoute(path: string): string {
    const versioned = apiPath(path);
    return !path.startsWith(`/${API_VERSION}/`) && allowedMethods(this.routes, versioned).length > 0
      ? `no route ${path}: the API is versioned, use ${versioned}`
      : `no route ${path}`;
  }

  private internal(logged: string, instance: string): Answer {
    this.logger.error(logged);
    return answerOf('INTERNAL_ERROR', 'the gateway could not handle the request', instance);
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
  // The URL itself may be what could not be read: no `instance` then.
  const { status, body } = frameworkRefusal(error) ?? {
    status: API_ERROR_STATUS.MALFORMED_REQUEST,
    body: problem('MALFORMED_REQUEST', 'the request could not be read'),
  };
  void reply.code(status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(body));
}

/**
 * Fastify's own refusals of a request before any route ran it (`FST_ERR_*` with a 4xx status:
 * a malformed Content-Type or URL, a Content-Length that does not match the body), answered in
 * the one shape with the code of their status.
 */
function frameworkRefusal(error: unknown, instance?: string): Answer | undefined {
  const { code, statusCode, message } = (error ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  // A 4xx of Fastify's with no code of its own (431, 408…): the request could not be read.
  const body = problem(
    CODE_OF_STATUS[statusCode] ?? 'MALFORMED_REQUEST',
    typeof message === 'string' ? message : 'the request could not be read',
    instance === undefined ? {} : { instance },
  );
  return { status: body.status, body };
}
