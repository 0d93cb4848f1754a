import type { TlsOptions } from 'node:tls';
import type { HttpsOptions } from '@nestjs/common/interfaces/external/https-options.interface';
import type { GatewayTls } from './gateway-tls';

/**
 * The HTTPS server's options. A client certificate is always asked for, never demanded by
 * OpenSSL: peers' witness calls need one from their party's CA, national systems one from ours
 * only with `clientCertificates: require` — routes decide (client-certificate.hook,
 * WitnessCallerGuard), so a refusal is an answer with a code rather than a broken handshake.
 */
export function httpsOptions(tls: GatewayTls): HttpsOptions & Pick<TlsOptions, 'minVersion'> {
  return {
    key: tls.server.key,
    cert: tls.server.cert,
    ca: [tls.ownCa.pem, ...[...tls.peerCas.values()].map((ca) => ca.pem)],
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  };
}
