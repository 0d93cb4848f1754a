import { X509Certificate } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { CertificateAuthority } from './issue-certificate';
import { fileExists, loadCertificatePem, loadPrivateKey } from './pem-files';
import { PkiError } from './pki-error';
import { isValidPartyCode, partyPkiPaths } from './pki-layout';

/** Loads a party's CA certificate and signing key, refusing a key that is not the CA's own. */
export async function loadCertificateAuthority(
  certsDir: string,
  partyCode: string,
): Promise<CertificateAuthority> {
  const paths = partyPkiPaths(certsDir, partyCode);
  if (!(await fileExists(paths.caCertificate))) {
    throw new PkiError('PKI_CA_NOT_FOUND', `no CA for party ${partyCode} under ${certsDir}`, {
      path: paths.caCertificate,
    });
  }
  const certificate = await loadCertificatePem(paths.caCertificate);
  const privateKey = await loadPrivateKey(paths.caPrivateKey);
  if (!isSelfSignedCa(certificate) || !certificate.checkPrivateKey(privateKey)) {
    throw new PkiError(
      'PKI_LAYOUT_INCONSISTENT',
      `${paths.caCertificate} is not a self-signed CA matching ${paths.caPrivateKey}`,
    );
  }
  return { certificate, privateKey };
}

export function isSelfSignedCa(certificate: X509Certificate): boolean {
  return certificate.ca && isIssuedBy(certificate, certificate);
}

/** Issuer name, AKI/SKI and key usage must line up, and the signature must verify. */
export function isIssuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

/**
 * The party (directory under certsDir) whose CA signed `certificate`. Decided by signature,
 * not by issuer name alone, so a look-alike CA cannot capture another party's revocations.
 */
export async function findIssuingParty(
  certsDir: string,
  certificate: X509Certificate,
): Promise<{ partyCode: string; caCertificate: X509Certificate } | undefined> {
  const entries = await readdir(certsDir, { withFileTypes: true });
  const partyCodes = entries
    .filter((entry) => entry.isDirectory() && isValidPartyCode(entry.name))
    .map((entry) => entry.name.toUpperCase())
    .sort();
  for (const partyCode of partyCodes) {
    const caPath = partyPkiPaths(certsDir, partyCode).caCertificate;
    if (!(await fileExists(caPath))) continue;
    const caCertificate = await loadCertificatePem(caPath);
    if (isIssuedBy(certificate, caCertificate)) return { partyCode, caCertificate };
  }
  return undefined;
}
