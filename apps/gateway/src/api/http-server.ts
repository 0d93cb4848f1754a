import type { DynamicModule, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { onRequestHookHandler } from 'fastify';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { RouteEntry } from './allowed-methods';
import { answerFrameworkError, ApiExceptionFilter } from './api-exception.filter';
import { useBodyReader } from './body-reader';
import { requestIdOf, useRequestLog } from '../logging/request-log';

/** What the gateway's HTTP server is, apart from its routes. */
export interface HttpServerOptions {
  /** The largest request body read, in bytes: a larger one is refused (413) before it is read whole. */
  readonly maxBodyBytes: number;
  /** HTTPS instead of HTTP (#15). */
  readonly https?: HttpsServerOptions;
  /** Runs first on every request, before routing (#15: `clientCertificates: require`). */
  readonly onRequest?: onRequestHookHandler;
}

/**
 * The Nest application of `module` on Fastify (#16: tens of microseconds of framework a request
 * where Express took ≈ 200), answering as the gateway did on Express: one body reader for every
 * route, one error shape for every refusal (the not-found handler's and Fastify's own
 * included), 405 with `Allow` for a path that exists for other methods.
 */
export async function createHttpApp(
  module: Type<unknown> | DynamicModule,
  options: HttpServerOptions,
  nest: Omit<NestApplicationOptions, 'bodyParser'> = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    ...(options.https === undefined ? {} : { https: options.https }),
    // No Nest middleware: the client-certificate check is a hook, the body reader a parser.
    skipMiddie: true,
    // A URL Fastify cannot decode never reaches a route or a filter: it is answered here.
    frameworkErrors: answerFrameworkError,
    // As Express routed: `/messages/` is `/messages`, paths match in any case, and a segment
    // is as long as the URL lets it be (a long non-UUID id is a 400, not a 404).
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 16_384 },
    // Node's own default, which Express ran with (Fastify's is none): a request — a refused
    // body being drained included — has five minutes to arrive whole.
    requestTimeout: 300_000,
    // Node's own default too (Fastify's is 72 s): an idle keep-alive connection is closed after
    // 5 s, so a gateway shutting down does not wait more than that for its clients to hang up.
    keepAliveTimeout: 5_000,
    // #17: the client's X-Request-Id when well-formed, else a UUID; on every log line of it.
    genReqId: requestIdOf,
  });
  const fastify = adapter.getInstance();
  const routes: RouteEntry[] = [];
  fastify.addHook('onRoute', ({ method, url }) => void routes.push({ method, url }));
  // Set by the guards on the requests they pass: declared, so every request has one shape.
  fastify.decorateRequest('mxgClient', undefined);
  fastify.decorateRequest('witnessCaller', undefined);
  // First, so that a request refused by any later hook is logged with its id too.
  useRequestLog(fastify);
  if (options.onRequest !== undefined) fastify.addHook('onRequest', options.onRequest);
  useBodyReader(fastify, options.maxBodyBytes);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    ...nest,
    bodyParser: false,
  });
  app.useGlobalFilters(new ApiExceptionFilter(routes));
  return app;
}
