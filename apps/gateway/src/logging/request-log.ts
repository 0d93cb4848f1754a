import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type LogContext, requestLogContext } from './log-context';

/** A request id a client (or a proxy in front) may set; anything else is replaced. */
const GIVEN_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Probes and scrapes come every few seconds: their lines are debug, not the request log. */
const QUIET_ROUTE = /^\/(health|metrics)(\/|$)/; // unversioned, as they stay

/** A request carrying its log context. */
export type RequestWithLogContext = FastifyRequest & { logContext?: LogContext };

/** Fastify's `genReqId`: the client's `X-Request-Id` when well-formed, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && GIVEN_REQUEST_ID.test(given) ? given : randomUUID();
}

/** The log context of `request`, for the error filter to note the code it answered with. */
export function logContextOf(request: FastifyRequest): LogContext | undefined {
  return (request as RequestWithLogContext).logContext;
}

/**
 * #17: every request gets an id (answered in `X-Request-Id`), every log line written while it is
 * handled carries it, and one line records it when it is answered: method, route (the pattern,
 * never the URL as sent), status, duration and — where there is one — the message id and the
 * error code. Call before any route or other hook is added.
 */
export function useRequestLog(fastify: FastifyInstance): void {
  const logger = new Logger('Http');
  fastify.decorateRequest('logContext', undefined);
  fastify.addHook('onRequest', (request: RequestWithLogContext, reply, done) => {
    const context: LogContext = { reqId: request.id };
    request.logContext = context;
    void reply.header('X-Request-Id', request.id);
    requestLogContext.run(context, done);
  });
  // The body is read in the socket's callbacks, outside the context: entered again for the
  // handler (what @fastify/request-context does too).
  fastify.addHook('preHandler', (request: RequestWithLogContext, _reply, done) => {
    requestLogContext.run(request.logContext ?? { reqId: request.id }, done);
  });
  fastify.addHook('onResponse', (request: RequestWithLogContext, reply, done) => {
    const route = request.routeOptions.url ?? null;
    const quiet = route !== null && QUIET_ROUTE.test(route);
    const line = {
      msg: 'answered',
      reqId: request.id,
      method: request.method,
      route,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      messageId: messageIdOf(request, reply),
      code: request.logContext?.code ?? null,
    };
    if (reply.statusCode >= 500) logger.error(line);
    else if (quiet) logger.debug(line);
    else logger.log(line);
    done();
  });
}

/** The message a request concerns: its path's id, or the one a submission was stored under. */
function messageIdOf(request: RequestWithLogContext, reply: FastifyReply): string | null {
  if (request.logContext?.messageId !== undefined) return request.logContext.messageId;
  const { id } = (request.params ?? {}) as { id?: unknown };
  const route = request.routeOptions.url ?? '';
  if (typeof id === 'string' && UUID.test(id) && /\/(messages|inbox)\//.test(route)) return id;
  const location = reply.getHeader('location');
  const stored =
    typeof location === 'string' ? /\/messages\/([0-9a-f-]{36})$/.exec(location) : null;
  return stored !== null && UUID.test(stored[1]) ? stored[1] : null;
}
