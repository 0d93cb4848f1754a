import type { X509Certificate } from 'node:crypto';
import { CmsError, verifyCertificateChain } from '@mxg/cms';
import { EnvelopeError, type EnvelopeErrorCode, type EnvelopeLayer } from '../envelope.errors';
import type { PartyTrust } from '../trust/trust-store';

export interface CertificateInForceOptions {
  /** The party whose CA must have issued the certificate, with the CRLs in use now. */
  readonly trust: Pick<PartyTrust, 'party' | 'anchors' | 'crls'>;
  readonly at: Date;
  readonly layer: EnvelopeLayer;
  /** What the certificate is, for the message: "the signatory's certificate", … */
  readonly what: string;
}

/**
 * A sending gateway's check of a certificate it is about to sign, seal or encrypt with: it
 * chains to the party's trust anchor, every certificate on the path is valid at `at`, and it
 * is not on the party's current CRL. A receiver weighs a signature as of its signing time;
 * a sender signs now, so here nothing may lie in the past — an expired certificate is refused,
 * and no current CRL means "could not check", never "not revoked".
 *
 * Throws CERT_REVOKED, CERT_EXPIRED, REVOCATION_STATUS_UNKNOWN or CERT_UNTRUSTED. Names the
 * certificate by serial number only: the message reaches API clients and logs.
 */
export async function assertCertificateInForce(
  certificate: X509Certificate,
  options: CertificateInForceOptions,
): Promise<void> {
  const { party, anchors, crls } = options.trust;
  const what = `${options.what} (serial ${certificate.serialNumber})`;
  const refuse = (code: EnvelopeErrorCode, detail: string): never => {
    throw new EnvelopeError(code, `${what} ${detail}`, options.layer);
  };
  if (crls.length === 0) {
    refuse('REVOCATION_STATUS_UNKNOWN', `cannot be checked: no CRL of ${party} is in use`);
  }
  let result;
  try {
    result = await verifyCertificateChain({
      certificate,
      trustAnchors: anchors,
      crls,
      at: options.at,
    });
  } catch (error) {
    if (error instanceof CmsError && error.code === 'MALFORMED_CRL') {
      return refuse('REVOCATION_STATUS_UNKNOWN', `cannot be checked: ${party}'s CRL is unreadable`);
    }
    throw error;
  }
  if (result.valid) return;
  switch (result.code) {
    case 'CERT_REVOKED':
      return refuse('CERT_REVOKED', `is revoked: it is on ${party}'s CRL`);
    case 'CERT_EXPIRED': {
      const failing = result.certificate;
      // A CA's name is no personal data; a signatory's is, and the serial already says which.
      const issuer =
        failing && failing.serialNumber !== certificate.serialNumber
          ? ` (its issuer ${failing.subject})`
          : '';
      return refuse(
        'CERT_EXPIRED',
        `is not valid at ${options.at.toISOString()}: ${result.message}${issuer}`,
      );
    }
    case 'CERT_REVOCATION_UNKNOWN':
      return refuse(
        'REVOCATION_STATUS_UNKNOWN',
        `cannot be checked: ${party}'s CRL is not current at ${options.at.toISOString()}`,
      );
    case 'CERT_UNTRUSTED':
      return refuse(
        'CERT_UNTRUSTED',
        `does not chain to ${party}'s trust anchor: ${result.message}`,
      );
  }
}
