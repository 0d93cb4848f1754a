import { X509Certificate } from 'node:crypto';

/** Who signed, as a security officer reads it off the certificate. */
export interface SignerSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly fingerprintSha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export function summarise(certificate: X509Certificate): SignerSummary {
  return {
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    serialNumber: certificate.serialNumber,
    fingerprintSha256: certificate.fingerprint256,
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
  };
}

/** node prints one RDN per line; most tools show them comma-separated, most specific last. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

export function toX509(der: Uint8Array): X509Certificate {
  return new X509Certificate(Buffer.from(der));
}
