import { unlink } from 'node:fs/promises';
import { relative } from 'node:path';
import { isIssuedBy, isSelfSignedCa } from './certificate-authority';
import { certificateProfileProblem } from './certificate-profile-check';
import { DEFAULT_TLS_SERVER_NAMES, type TlsServerNames } from './certificate-profiles';
import { servicesCaSubject, servicesServerSubject } from './distinguished-name';
import { createRootCa, issueCertificate, type CertificateAuthority } from './issue-certificate';
import { privateKeyToPem } from './key-pair';
import {
  fileExists,
  loadCertificatePem,
  loadPrivateKey,
  PRIVATE_KEY_MODE,
  PUBLIC_FILE_MODE,
  writeNewFile,
} from './pem-files';
import { PkiError } from './pki-error';
import { servicesPkiPaths } from './pki-layout';
import { serverNamesProblem, TLS_KEY_ALGORITHM } from './tls-certificates';

export interface ServicesPkiOptions {
  certsDir: string;
  /** The PostgreSQL certificate's subjectAltName; default DNS:localhost, IP:127.0.0.1. */
  serverNames?: TlsServerNames;
  now?: Date;
}

/** File paths relative to certsDir, as in `PkiInitReport`. */
export interface ServicesPkiReport {
  created: string[];
  kept: string[];
  /** A server certificate replaced because it no longer met the plan; its pair is deleted. */
  reissued: { file: string; reason: string }[];
}

/**
 * #15: the development services' CA (`certs/services/ca.*`) and the development PostgreSQL's
 * server certificate (`certs/services/postgresql.*`, tls-server). Idempotent like `initPki`:
 * what exists and is valid is kept, byte for byte. No CRL: the only certificate it issues is
 * the server's, replaced here when it is out of date. A server certificate whose names,
 * profile or issuer are wrong is re-issued (it protects nothing secret of its own: the old one
 * is deleted, not archived); a CA without its key, or the reverse, stops the run.
 */
export async function initServicesPki(options: ServicesPkiOptions): Promise<ServicesPkiReport> {
  const paths = servicesPkiPaths(options.certsDir);
  const now = options.now ?? new Date();
  const serverNames = options.serverNames ?? { ...DEFAULT_TLS_SERVER_NAMES };
  const report: ServicesPkiReport = { created: [], kept: [], reissued: [] };
  const rel = (path: string) => relative(options.certsDir, path);

  let ca: CertificateAuthority;
  if (await pairPresent(paths.caCertificate, paths.caPrivateKey)) {
    const certificate = await loadCertificatePem(paths.caCertificate);
    const privateKey = await loadPrivateKey(paths.caPrivateKey);
    if (!isSelfSignedCa(certificate) || !certificate.checkPrivateKey(privateKey)) {
      throw new PkiError(
        'PKI_LAYOUT_INCONSISTENT',
        `${paths.caCertificate} is not a self-signed CA matching ${paths.caPrivateKey}`,
        { path: paths.caCertificate },
      );
    }
    ca = { certificate, privateKey };
    report.kept.push(rel(paths.caPrivateKey), rel(paths.caCertificate));
  } else {
    // A new CA makes any server certificate beside it a stranger's: issued anew below.
    const root = await createRootCa({
      partySubject: servicesCaSubject(),
      keyAlgorithm: TLS_KEY_ALGORITHM,
      now,
    });
    await writeNewFile(paths.caPrivateKey, privateKeyToPem(root.privateKey), PRIVATE_KEY_MODE);
    await writeNewFile(paths.caCertificate, root.certificatePem, PUBLIC_FILE_MODE);
    ca = { certificate: root.certificate, privateKey: root.privateKey };
    report.created.push(rel(paths.caPrivateKey), rel(paths.caCertificate));
  }

  const server = paths.postgresql;
  if (await pairPresent(server.certificate, server.privateKey)) {
    const problem = await serverProblem(server, ca, serverNames);
    if (problem === undefined) {
      report.kept.push(rel(server.privateKey), rel(server.certificate));
      return report;
    }
    await unlink(server.privateKey);
    await unlink(server.certificate);
    report.reissued.push({ file: rel(server.certificate), reason: problem });
  }
  await issueCertificate({
    issuer: ca,
    profile: 'tls-server',
    subject: servicesServerSubject('postgresql'),
    keyAlgorithm: TLS_KEY_ALGORITHM,
    serverNames,
    now,
    writeTo: { certificatePath: server.certificate, privateKeyPath: server.privateKey },
  });
  report.created.push(rel(server.privateKey), rel(server.certificate));
  return report;
}

async function serverProblem(
  paths: { certificate: string; privateKey: string },
  ca: CertificateAuthority,
  serverNames: TlsServerNames,
): Promise<string | undefined> {
  const certificate = await loadCertificatePem(paths.certificate);
  const privateKey = await loadPrivateKey(paths.privateKey);
  if (!certificate.checkPrivateKey(privateKey)) return 'its key is not its own';
  if (!isIssuedBy(certificate, ca.certificate)) return 'the services CA did not issue it';
  if (new Date(certificate.validTo) <= new Date()) return 'it has expired';
  return (
    certificateProfileProblem(certificate, 'tls-server') ??
    serverNamesProblem(certificate, serverNames)
  );
}

/** Both files or neither; half a pair is never silently replaced. */
async function pairPresent(certificate: string, privateKey: string): Promise<boolean> {
  const [hasCertificate, hasKey] = [await fileExists(certificate), await fileExists(privateKey)];
  if (hasCertificate !== hasKey) {
    const missing = hasCertificate ? privateKey : certificate;
    throw new PkiError('PKI_LAYOUT_INCONSISTENT', `${missing} is missing but its pair exists`, {
      path: missing,
    });
  }
  return hasCertificate;
}
