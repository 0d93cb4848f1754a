import type { X509Certificate } from 'node:crypto';
import { x509 } from './x509-provider';

/** Where a gateway serves its party's CRL: `GET /pki/<party lower-case>.crl` (DER). */
export function crlEndpointPath(partyCode: string): string {
  return `/pki/${partyCode.toLowerCase()}.crl`;
}

/**
 * The CRL distribution point (RFC 5280 §4.2.1.13) the development CA writes into the
 * certificates of a party with a gateway: that gateway's CRL endpoint, e.g.
 * `http://127.0.0.1:3101/pki/kz.crl`. Plain http, as RFC 5280 §8 expects of CRLs: they are
 * signed, so the transport need not be trusted.
 */
export function crlDistributionPointUrl(
  http: { readonly host: string; readonly port: number },
  partyCode: string,
): string {
  const host = http.host.includes(':') ? `[${http.host}]` : http.host;
  return `http://${host}:${http.port}${crlEndpointPath(partyCode)}`;
}

/** The http(s) URLs of a certificate's CRL distribution points, in order; none when absent. */
export function crlDistributionPointUrls(certificate: X509Certificate): string[] {
  let parsed: x509.X509Certificate;
  try {
    parsed = new x509.X509Certificate(certificate.raw);
  } catch {
    return [];
  }
  const extension = parsed.getExtension(x509.CRLDistributionPointsExtension);
  if (!extension) return [];
  const urls: string[] = [];
  for (const point of extension.distributionPoints) {
    for (const name of point.distributionPoint?.fullName ?? []) {
      const uri = name.uniformResourceIdentifier;
      if (uri !== undefined && /^https?:\/\//i.test(uri) && !urls.includes(uri)) urls.push(uri);
    }
  }
  return urls;
}
