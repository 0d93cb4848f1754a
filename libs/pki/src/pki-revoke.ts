import { readCaDatabase, RevocationReason } from './ca-database';
import {
  findIssuingParty,
  isSelfSignedCa,
  loadCertificateAuthority,
} from './certificate-authority';
import { crlListsSerial, reissueCrl } from './crl';
import { loadCertificatePem } from './pem-files';
import { PkiError } from './pki-error';
import { partyPkiPaths } from './pki-layout';
import { wholeSeconds } from './x509-time';

export interface RevokeCertificateOptions {
  certsDir: string;
  certificatePath: string;
  /** Default 'unspecified', which RFC 5280 encodes as no reason code at all. */
  reason?: RevocationReason;
  now?: Date;
}

export interface RevokeCertificateResult {
  crlPath: string;
  /** Upper-case hex. */
  serial: string;
  alreadyRevoked: boolean;
}

/**
 * Records the certificate as revoked in its issuing CA's database and re-issues that CA's CRL.
 * The issuing CA is whichever party CA under certsDir verifiably signed it. Revoking twice is a
 * no-op that keeps the first date and reason.
 */
export async function revokeCertificate(
  options: RevokeCertificateOptions,
): Promise<RevokeCertificateResult> {
  const now = options.now ?? new Date();
  const certificate = await loadCertificatePem(options.certificatePath);
  if (isSelfSignedCa(certificate)) {
    throw new PkiError('PKI_CANNOT_REVOKE_CA', 'a root CA cannot be revoked by its own CRL', {
      path: options.certificatePath,
    });
  }
  const issuer = await findIssuingParty(options.certsDir, certificate);
  if (issuer === undefined) {
    throw new PkiError('PKI_UNKNOWN_ISSUER', 'no CA under certsDir issued this certificate', {
      path: options.certificatePath,
      issuer: certificate.issuer,
    });
  }
  const paths = partyPkiPaths(options.certsDir, issuer.partyCode);
  const serial = certificate.serialNumber.toUpperCase();
  const db = await readCaDatabase(paths.caDatabase);
  const alreadyRevoked = db.revoked.some((entry) => entry.serial === serial);
  const result = { crlPath: paths.caCrl, serial, alreadyRevoked };
  // Re-issuing for a recorded revocation only happens when an interrupted run left the CRL stale.
  if (alreadyRevoked && (await crlListsSerial(paths.caCrl, serial))) return result;

  if (!alreadyRevoked) {
    db.revoked.push({
      serial,
      revokedAt: wholeSeconds(now).toISOString(),
      reason: options.reason ?? 'unspecified',
    });
  }
  const ca = await loadCertificateAuthority(options.certsDir, issuer.partyCode);
  await reissueCrl(ca, paths, db, now);
  return result;
}
