import type { Server as NetServer } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { MxgConfigService } from '@mxg/config';
import { crlEndpointPath } from '@mxg/pki';
import { listenTlsFront } from './tls-front';

/**
 * Listens at the gateway file's host and port: plain HTTP as before, or — with `http.tls` —
 * the TLS front (HTTPS, plus the CRL over plain http). Returns the URL the API is at.
 */
export async function listenGateway(
  app: INestApplication,
  config: MxgConfigService,
): Promise<string> {
  const { httpHost: host, httpPort: port } = config;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  if (config.gateway.http.tls === undefined) {
    await app.listen(port, host);
    return `http://${bracketed}:${port}`;
  }
  await app.init();
  const adapter = app.getHttpAdapter();
  const fastify = adapter.getInstance() as FastifyInstance;
  // Fastify's plugins load on `ready`, which `listen` would have awaited; nothing listens here.
  await fastify.ready();
  const front: NetServer = await listenTlsFront({
    https: adapter.getHttpServer() as TlsServer,
    // The plain-HTTP CRL requests go through the same routes, hooks and filters.
    app: (request, response) => fastify.routing(request, response),
    crlPath: crlEndpointPath(config.gateway.party),
    host,
    port,
  });
  // Nest closes the HTTPS server it made on shutdown; the port is the front's, closed first.
  const close = adapter.close.bind(adapter);
  adapter.close = async (): Promise<void> => {
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await close();
  };
  return `https://${bracketed}:${port}`;
}
