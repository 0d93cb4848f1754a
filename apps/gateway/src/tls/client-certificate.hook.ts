import type { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { crlEndpointPath } from '@mxg/pki';
import { pathOf } from '../api/allowed-methods';
import { apiPath } from '../api/api-version';
import { problem, PROBLEM_MEDIA_TYPE } from '../api/problem-details';
import { clientCertificateVerdict } from './client-certificate';
import type { GatewayTls } from './gateway-tls';
import { TlsErrorCode } from './tls.errors';

/**
 * `clientCertificates: require` (#15): a national system presents a client certificate from
 * this party's CA in addition to its bearer token. Not asked of /health (probes), of the CRL
 * (public by nature, RFC 5280) or of peers' witness calls, which need one from the *peer's* CA
 * instead (WitnessCallerGuard). An `onRequest` hook: it answers before routing, body or guards.
 */
export function requireClientCertificate(tls: GatewayTls, party: string) {
  const crlPath = crlEndpointPath(party);
  const witnessPath = apiPath('/audit/witness');
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const path = pathOf(request.url);
    if (isProbe(path) || path === crlPath || path.startsWith(witnessPath)) {
      done();
      return;
    }
    const verdict = clientCertificateVerdict(request.raw.socket as TLSSocket, [tls.ownCa]);
    if (verdict.kind === 'party') {
      done();
      return;
    }
    const code =
      verdict.kind === 'none'
        ? TlsErrorCode.ClientCertificateRequired
        : TlsErrorCode.ClientCertificateUntrusted;
    // Before routing, so no filter sees it: the API's one shape, written here.
    const body = problem(
      code,
      verdict.kind === 'none'
        ? `this gateway requires a TLS client certificate issued by ${party}'s CA`
        : `the TLS client certificate is not accepted: ${verdict.reason}`,
      { instance: path },
    );
    void reply.code(body.status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(body));
  };
}

/** Liveness, readiness and the combined report: what an orchestrator's probes call. */
function isProbe(path: string): boolean {
  return path === '/health' || path.startsWith('/health/');
}
