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

/** Certificates are long-lived (the trust store's), and node recomputes these on every read. */
const summaries = new WeakMap<X509Certificate, SignerSummary>();

export function summarise(certificate: X509Certificate): SignerSummary {
  let summary = summaries.get(certificate);
  if (!summary) {
    summary = describe(certificate);
    summaries.set(certificate, summary);
  }
  return summary;
}

function describe(certificate: X509Certificate): SignerSummary {
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

/**
 * The certificate `der` as an X509Certificate: one of `known` (the trust store's, already
 * parsed) when it is the same certificate, otherwise parsed here.
 */
export function toX509(der: Uint8Array, known: readonly X509Certificate[] = []): X509Certificate {
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  return known.find((c) => c.raw.equals(bytes)) ?? new X509Certificate(bytes);
}
