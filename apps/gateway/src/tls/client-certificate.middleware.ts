import type { NextFunction, Request, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { crlEndpointPath } from '@mxg/pki';
import { clientCertificateVerdict } from './client-certificate';
import type { GatewayTls } from './gateway-tls';
import { TLS_ERROR_STATUS, TlsErrorCode } from './tls.errors';

/**
 * `clientCertificates: require` (#15): a national system presents a client certificate from
 * this party's CA in addition to its bearer token. Not asked of /health (probes), of the CRL
 * (public by nature, RFC 5280) or of peers' witness calls, which need one from the *peer's* CA
 * instead (WitnessCallerGuard).
 */
export function requireClientCertificate(tls: GatewayTls, party: string) {
  const crlPath = crlEndpointPath(party);
  return (request: Request, response: Response, next: NextFunction): void => {
    const path = request.path;
    if (path === '/health' || path === crlPath || path.startsWith('/audit/witness')) {
      next();
      return;
    }
    const verdict = clientCertificateVerdict(request.socket as TLSSocket, [tls.ownCa]);
    if (verdict.kind === 'party') {
      next();
      return;
    }
    const code =
      verdict.kind === 'none'
        ? TlsErrorCode.ClientCertificateRequired
        : TlsErrorCode.ClientCertificateUntrusted;
    response.status(TLS_ERROR_STATUS[code]).json({
      code,
      message:
        verdict.kind === 'none'
          ? `this gateway requires a TLS client certificate issued by ${party}'s CA`
          : `the TLS client certificate is not accepted: ${verdict.reason}`,
    });
  };
}
