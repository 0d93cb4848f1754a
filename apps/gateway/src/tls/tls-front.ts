import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { problem, PROBLEM_MEDIA_TYPE } from '../api/problem-details';
import { TlsErrorCode } from './tls.errors';

/** The first byte of every TLS record that opens a connection: a handshake (RFC 8446 §5.1). */
const TLS_HANDSHAKE = 0x16;
/** A connection that says nothing for this long is dropped before it is classified. */
const FIRST_BYTE_TIMEOUT_MS = 10_000;

/**
 * One port for HTTPS and the CRL (#15). Certificates name `http://<host>:<port>/pki/<p>.crl`
 * as their CRL distribution point — plain http, as RFC 5280 §4.2.1.13/§8 expect of CRLs (they
 * are signed; a relying party fetching one need not trust the transport, nor hold our CA first).
 * So a connection that opens with a TLS handshake goes to the HTTPS server; any other gets plain
 * HTTP that serves `GET|HEAD <crlPath>` (through the same application) and refuses everything
 * else with 400 HTTPS_REQUIRED and no API answer.
 */
export function listenTlsFront(options: {
  https: TlsServer;
  app: RequestListener;
  crlPath: string;
  host: string;
  port: number;
}): Promise<Server> {
  const plain = createHttpServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if ((request.method === 'GET' || request.method === 'HEAD') && path === options.crlPath) {
      options.app(request, response);
      return;
    }
    const body = problem(
      TlsErrorCode.HttpsRequired,
      `this gateway serves its API over HTTPS only; plain HTTP serves ${options.crlPath} and nothing else`,
    );
    response.writeHead(body.status, { 'content-type': PROBLEM_MEDIA_TYPE, connection: 'close' });
    response.end(JSON.stringify(body));
  });
  const front = createServer((socket: Socket) => {
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === TLS_HANDSHAKE ? options.https : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  return new Promise((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port, options.host, () => {
      front.off('error', reject);
      resolve(front);
    });
  });
}
