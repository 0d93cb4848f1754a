import type { X509Certificate } from 'node:crypto';
import { AuditError, AuditErrorCode } from '../audit-error';
import { partyOfKeyName } from '../log/log-identity';

/**
 * Whether `certificate` may speak for `keyName` (`mxg.kz/audit`, `mxg.az/witness`) at `at`:
 * issued and signed by one of `trustedCas` whose country is the key's party, with the same
 * country in its own subject, and valid at that instant. Deliberately small — issuer signature
 * and validity — as issue 4 asks; revocation and full path building belong to @mxg/cms.
 * Throws AUDIT_CERTIFICATE_UNTRUSTED.
 */
export function checkCheckpointCertificate(
  certificate: X509Certificate,
  keyName: string,
  trustedCas: readonly X509Certificate[],
  at?: Date,
): void {
  const party = partyOfKeyName(keyName);
  if (party === undefined) untrusted(keyName, 'is not an MXG audit key name');
  if (country(certificate.subject) !== party) {
    untrusted(keyName, `certificate subject ${oneLine(certificate.subject)} is not of ${party}`);
  }
  const issuer = trustedCas.find(
    (ca) =>
      country(ca.subject) === party &&
      certificate.checkIssued(ca) &&
      certificate.verify(ca.publicKey),
  );
  if (issuer === undefined)
    untrusted(keyName, `certificate is not issued by a trusted ${party} CA`);
  if (at !== undefined) {
    const from = new Date(certificate.validFrom);
    const to = new Date(certificate.validTo);
    if (at < from || at > to) {
      untrusted(keyName, `certificate is not valid at ${at.toISOString()}`);
    }
  }
}

function country(subject: string): string | undefined {
  return subject
    .split('\n')
    .find((line) => line.startsWith('C='))
    ?.slice(2);
}

function oneLine(subject: string): string {
  return subject.split('\n').join(', ');
}

function untrusted(keyName: string, message: string): never {
  throw new AuditError(AuditErrorCode.CertificateUntrusted, `${keyName}: ${message}`, { keyName });
}
