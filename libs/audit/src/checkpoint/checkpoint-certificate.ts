import { createHash, type KeyObject, type X509Certificate } from 'node:crypto';
import { certificateProfileProblem } from '@mxg/pki';
import { AuditError, AuditErrorCode } from '../audit-error';
import { partyOfKeyName } from '../log/log-identity';

/**
 * What a verifier trusts to speak for a party's audit key (#10.1): the parties' CAs, and — where
 * it knows them — the audit-checkpoint certificates each party has configured.
 */
export interface AuditTrust {
  /** The parties' CA certificates. */
  readonly trustedCas: readonly X509Certificate[];
  /**
   * Per party (upper-case code), the audit-checkpoint certificates configured for it: when a
   * party has any, only these may sign for it (its key is pinned, as a set so that a key can
   * be re-issued); otherwise any audit-checkpoint certificate its CA issued may.
   */
  readonly pinned?: ReadonlyMap<string, readonly X509Certificate[]>;
}

/**
 * Whether `certificate` may speak for `keyName` (`mxg.kz/audit`, `mxg.az/witness`) at `at`:
 *  - it is an audit-checkpoint certificate by what it is, not only by who issued it — not a CA,
 *    key usage digitalSignature only, extended key usage exactly MXG's audit-checkpoint key
 *    purpose — so no signatory's, seal or encryption key of the party can sign its checkpoints;
 *  - issued and signed by a trusted CA whose country is the key's party, with that country in
 *    its own subject;
 *  - one of the party's pinned certificates, when it has any;
 *  - valid at `at`.
 * Revocation is not consulted: a party withdraws an audit key by re-issuing it and pinning the
 * new one. Throws AUDIT_CERTIFICATE_UNTRUSTED.
 */
export function checkCheckpointCertificate(
  certificate: X509Certificate,
  keyName: string,
  trust: AuditTrust,
  at?: Date,
): void {
  const problem =
    checkpointCertificateProblem(certificate, keyName, trust) ??
    (at === undefined ? undefined : validityProblem(certificate, at));
  if (problem !== undefined) {
    throw new AuditError(AuditErrorCode.CertificateUntrusted, `${keyName}: ${problem}`, {
      keyName,
    });
  }
}

/** `checkCheckpointCertificate` without the time, as a reason or undefined. */
export function checkpointCertificateProblem(
  certificate: X509Certificate,
  keyName: string,
  trust: AuditTrust,
): string | undefined {
  const party = partyOfKeyName(keyName);
  if (party === undefined) return 'is not an MXG audit key name';
  if (country(certificate.subject) !== party) {
    return `certificate subject ${oneLine(certificate.subject)} is not of ${party}`;
  }
  const profile = certificateProfileProblem(certificate, 'audit-checkpoint');
  if (profile !== undefined)
    return `certificate is not an audit-checkpoint certificate: ${profile}`;
  const issued = trust.trustedCas.some(
    (ca) =>
      country(ca.subject) === party &&
      certificate.checkIssued(ca) &&
      certificate.verify(ca.publicKey),
  );
  if (!issued) return `certificate is not issued by a trusted ${party} CA`;
  const pinned = pinnedCertificates(trust, party);
  if (pinned !== undefined && !pinned.some((p) => p.raw.equals(certificate.raw))) {
    return `certificate ${fingerprint(certificate)} is not one of the ${party} audit-checkpoint certificates configured`;
  }
  return undefined;
}

export function validityProblem(certificate: X509Certificate, at: Date): string | undefined {
  const from = new Date(certificate.validFrom);
  const to = new Date(certificate.validTo);
  return at < from || at > to ? `certificate is not valid at ${at.toISOString()}` : undefined;
}

/** The certificates `party`'s audit key is pinned to, or undefined when it is not pinned. */
export function pinnedCertificates(
  trust: AuditTrust,
  party: string,
): readonly X509Certificate[] | undefined {
  const pinned = trust.pinned?.get(party.toUpperCase());
  return pinned !== undefined && pinned.length > 0 ? pinned : undefined;
}

/** Whether a CA of `party` is among the trust anchors at all. */
export function trustsParty(trust: AuditTrust, party: string): boolean {
  return trust.trustedCas.some((ca) => country(ca.subject) === party.toUpperCase());
}

/** SHA-256 of the certificate's DER, hex: how reports and logs name a certificate. */
export function fingerprint(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('hex');
}

/** Whether two keys (or certificates' keys) are the same public key. */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  return spki(a).equals(spki(b));
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
