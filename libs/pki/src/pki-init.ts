import type { KeyObject, X509Certificate } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { emptyCaDatabase, readCaDatabase, writeCaDatabase, type IssuedEntry } from './ca-database';
import { isIssuedBy, isSelfSignedCa, loadCertificateAuthority } from './certificate-authority';
import { certificateProfileProblem } from './certificate-profile-check';
import {
  DEFAULT_TLS_SERVER_NAMES,
  type CertificateProfile,
  type TlsServerNames,
} from './certificate-profiles';
import { serverNamesProblem, TLS_KEY_ALGORITHM } from './tls-certificates';
import { CRL_RENEW_BEFORE_DAYS, crlNextUpdate, reissueCrl } from './crl';
import { crlDistributionPointUrls } from './crl-distribution-point';
import {
  DistinguishedName,
  GatewayRole,
  gatewaySubject,
  rootCaSubject,
  signatorySubject,
  tlsSubject,
  type TlsRole,
} from './distinguished-name';
import {
  CertificateAuthority,
  certifyPublicKey,
  createRootCa,
  issueCertificate,
  type CertifiedPublicKey,
} from './issue-certificate';
import { isRsaKeyAlgorithm, KeyAlgorithm, privateKeyToPem } from './key-pair';
import {
  fileExists,
  loadCertificatePem,
  loadPrivateKey,
  PRIVATE_KEY_MODE,
  PUBLIC_FILE_MODE,
  writeNewFile,
} from './pem-files';
import { PkiError } from './pki-error';
import { CertificateKeyPaths, PartyPkiPaths, partyPkiPaths } from './pki-layout';
import { ExternalKeyHolder, PkiInitOptions, PkiPartyPlan, validatePlan } from './pki-plan';
import { createStorageKek, loadStorageKek } from './storage-kek';

/** File paths relative to certsDir. */
export interface PkiInitReport {
  created: string[];
  /** Existing files rewritten: only a CA database (new serials, or a CRL number spent on rebuilding a lost CRL). */
  updated: string[];
  kept: string[];
  /**
   * Certificates issued anew because the one present no longer meets the plan: a gateway
   * certificate out of its profile (an audit-checkpoint certificate from before it had its own
   * key purpose), or any certificate whose CRL distribution point is not the party's; the old
   * pair is moved, unchanged, to `supersededTo` (the certificate; its key beside it).
   */
  reissued: { file: string; reason: string; supersededTo: string }[];
}

interface LeafPlan {
  paths: CertificateKeyPaths;
  profile: CertificateProfile;
  subject: DistinguishedName;
  keyAlgorithm: KeyAlgorithm;
  /** A gateway's own certificate: re-issued when its profile is out of date (a signatory's never is). */
  gateway: boolean;
  /** Every certificate is re-issued when its CRL distribution point differs from this. */
  crlDistributionPoint: string | undefined;
  /** A tls-server certificate's names; re-issued when they differ. */
  serverNames?: TlsServerNames;
  /**
   * #15: a transport key stays a file even under `mxg pki init --pkcs11`: RabbitMQ, PostgreSQL
   * clients and node's TLS stack read PEM files, and a TLS key signs handshakes, never
   * messages, so the token keeps only the keys that sign and decrypt for the party.
   */
  alwaysFile?: boolean;
}

/**
 * Creates whatever the plan needs and is missing; never rewrites an existing key, certificate or
 * CRL, so a second run with the same plan changes no byte. Existing files are checked for
 * consistency (key matches certificate, leaf signed by the party's CA) instead of trusted blindly.
 * A gateway certificate whose profile is out of date is re-issued, the old pair moved aside
 * unchanged: an audit-checkpoint certificate without the audit key purpose can no longer sign
 * checkpoints, so keeping it would only leave a gateway that cannot start.
 */
export async function initPki(options: PkiInitOptions): Promise<PkiInitReport> {
  validatePlan(options.parties);
  const encryptionAlgorithm = options.encryptionAlgorithm ?? 'rsa-2048';
  if (!isRsaKeyAlgorithm(encryptionAlgorithm)) {
    throw new PkiError(
      'PKI_INVALID_PLAN',
      'encryptionAlgorithm must be RSA (RSA-OAEP key transport)',
    );
  }
  const run: InitRun = {
    certsDir: options.certsDir,
    now: options.now ?? new Date(),
    signingAlgorithm: options.signingAlgorithm ?? 'ecdsa-p256',
    encryptionAlgorithm,
    report: { created: [], updated: [], kept: [], reissued: [] },
    externalKeys: options.externalKeys,
  };
  for (const party of options.parties) {
    await initParty(run, party);
  }
  return run.report;
}

interface InitRun {
  certsDir: string;
  now: Date;
  signingAlgorithm: KeyAlgorithm;
  encryptionAlgorithm: KeyAlgorithm;
  report: PkiInitReport;
  externalKeys: ExternalKeyHolder | undefined;
}

async function initParty(run: InitRun, party: PkiPartyPlan): Promise<void> {
  const code = party.code.toUpperCase();
  const paths = partyPkiPaths(run.certsDir, code);
  const note = (list: 'created' | 'updated' | 'kept', ...files: string[]): void => {
    run.report[list].push(...files.map((file) => relative(run.certsDir, file)));
  };

  const caCreated = (await pairState(paths.caCertificate, paths.caPrivateKey)) === 'absent';
  if (caCreated) await createCa(run, code, paths);
  const ca = await loadCertificateAuthority(run.certsDir, code);
  const db = await readCaDatabase(paths.caDatabase);
  note(caCreated ? 'created' : 'kept', paths.caPrivateKey, paths.caCertificate);

  let dbChanged = false;
  const external = run.externalKeys?.party === code ? run.externalKeys : undefined;
  for (const leaf of leafPlans(run, code, party, paths)) {
    const { certificate, privateKey } = leaf.paths;
    if (external && leaf.alwaysFile !== true) {
      const certified = await initExternalLeaf(run, external, leaf, ca);
      if (certified) {
        db.issued.push(issuedEntry(leaf, certified));
        dbChanged = true;
      }
      note(certified ? 'created' : 'kept', certificate);
      continue;
    }
    if ((await pairState(certificate, privateKey)) === 'present') {
      const existing = await assertLeafOfCa(leaf.paths, ca);
      const outdated = leafProblem(existing, leaf);
      if (!outdated) {
        note('kept', privateKey, certificate);
        continue;
      }
      const moved = await supersede(leaf.paths, existing.serialNumber.toUpperCase());
      run.report.reissued.push({
        file: relative(run.certsDir, certificate),
        reason: outdated,
        supersededTo: relative(run.certsDir, moved),
      });
    }
    const issued = await issueCertificate({
      issuer: ca,
      profile: leaf.profile,
      subject: leaf.subject,
      keyAlgorithm: leaf.keyAlgorithm,
      crlDistributionPoint: leaf.crlDistributionPoint,
      serverNames: leaf.serverNames,
      now: run.now,
      writeTo: { certificatePath: certificate, privateKeyPath: privateKey },
    });
    db.issued.push(issuedEntry(leaf, issued));
    dbChanged = true;
    note('created', privateKey, certificate);
  }
  const crlMissing = !(await fileExists(paths.caCrl));
  const crlDue = !crlMissing && !caCreated && (await crlRenewalDue(paths.caCrl, run.now));
  // A lost CRL is rebuilt from the database under the next CRL number (which saves the
  // database); one close to its nextUpdate is re-issued the same way, so that the gateway
  // serving it at the distribution point has a fresh one before relying parties' turns stale.
  if (crlMissing || crlDue) await reissueCrl(ca, paths, db, run.now);
  else if (dbChanged) await writeCaDatabase(paths.caDatabase, db);
  const dbUpdated = dbChanged || crlMissing || crlDue;
  note(caCreated ? 'created' : dbUpdated ? 'updated' : 'kept', paths.caDatabase);
  note(caCreated || crlMissing ? 'created' : crlDue ? 'updated' : 'kept', paths.caCrl);

  // The storage KEK (MIG-11.4): created once, then only checked — replacing it would make every
  // stored message's data key unreadable.
  const kek = paths.gateway.storageKek;
  if (await fileExists(kek)) {
    (await loadStorageKek(kek)).fill(0);
    note('kept', kek);
  } else {
    await createStorageKek(kek);
    note('created', kek);
  }
}

/** Whether the CRL has fewer than CRL_RENEW_BEFORE_DAYS left (or none: it does not expire). */
async function crlRenewalDue(path: string, now: Date): Promise<boolean> {
  const next = await crlNextUpdate(path).catch(() => undefined);
  if (next === undefined) return false;
  return next.getTime() - now.getTime() < CRL_RENEW_BEFORE_DAYS * 86_400_000;
}

/** The CA pair, an empty database and the first (empty) CRL. */
async function createCa(run: InitRun, code: string, paths: PartyPkiPaths): Promise<void> {
  for (const stale of [paths.caDatabase, paths.caCrl]) {
    if (await fileExists(stale)) {
      throw new PkiError('PKI_LAYOUT_INCONSISTENT', `${stale} exists but its CA does not`, {
        path: stale,
      });
    }
  }
  const root = await createRootCa({
    partySubject: rootCaSubject(code),
    keyAlgorithm: run.signingAlgorithm,
    now: run.now,
  });
  await writeNewFile(paths.caPrivateKey, privateKeyToPem(root.privateKey), PRIVATE_KEY_MODE);
  await writeNewFile(paths.caCertificate, root.certificatePem, PUBLIC_FILE_MODE);
  await reissueCrl(root, paths, emptyCaDatabase(), run.now);
}

function leafPlans(
  run: InitRun,
  code: string,
  party: PkiPartyPlan,
  paths: PartyPkiPaths,
): LeafPlan[] {
  const gateway = (leafPaths: CertificateKeyPaths, profile: GatewayRole): LeafPlan => ({
    paths: leafPaths,
    profile,
    subject: gatewaySubject(code, profile),
    keyAlgorithm: profile === 'encryption' ? run.encryptionAlgorithm : run.signingAlgorithm,
    gateway: true,
    crlDistributionPoint: party.crlDistributionPoint,
  });
  return [
    gateway(paths.gateway.seal, 'seal'),
    gateway(paths.gateway.encryption, 'encryption'),
    gateway(paths.gateway.auditCheckpoint, 'audit-checkpoint'),
    ...(party.tls === undefined ? [] : tlsLeafPlans(code, party, paths)),
    ...party.signatories.map((signatory): LeafPlan => ({
      paths: paths.signatory(signatory.id),
      profile: 'signatory',
      subject: signatorySubject(code, signatory),
      keyAlgorithm: run.signingAlgorithm,
      gateway: false,
      crlDistributionPoint: party.crlDistributionPoint,
    })),
  ];
}

/**
 * #15: the party's transport certificates, ECDSA P-256 whatever the signing algorithm (every
 * TLS stack in the path — OpenSSL in RabbitMQ and PostgreSQL, node — speaks it).
 */
function tlsLeafPlans(code: string, party: PkiPartyPlan, paths: PartyPkiPaths): LeafPlan[] {
  const leaf = (
    leafPaths: CertificateKeyPaths,
    profile: 'tls-server' | 'tls-client',
    role: TlsRole,
  ): LeafPlan => ({
    paths: leafPaths,
    profile,
    subject: tlsSubject(code, role),
    keyAlgorithm: TLS_KEY_ALGORITHM,
    gateway: true,
    crlDistributionPoint: party.crlDistributionPoint,
    serverNames:
      profile === 'tls-server'
        ? (party.tls?.serverNames ?? { ...DEFAULT_TLS_SERVER_NAMES })
        : undefined,
    alwaysFile: true,
  });
  return [
    leaf(paths.tls.server, 'tls-server', 'server'),
    leaf(paths.tls.client, 'tls-client', 'client'),
    leaf(paths.tls.link, 'tls-client', 'link'),
  ];
}

/** Why an existing leaf no longer meets its plan (re-issued then), or undefined. */
function leafProblem(existing: X509Certificate, leaf: LeafPlan): string | undefined {
  return (
    (leaf.gateway && certificateProfileProblem(existing, leaf.profile)) ||
    crlDistributionPointProblem(existing, leaf.crlDistributionPoint) ||
    (leaf.serverNames && serverNamesProblem(existing, leaf.serverNames)) ||
    undefined
  );
}

/**
 * Why a certificate's CRL distribution point is not the plan's, or undefined when it is: a
 * certificate pointing nowhere (or at a gateway that moved) leaves relying parties without a
 * way to learn of its revocation.
 */
function crlDistributionPointProblem(
  certificate: X509Certificate,
  planned: string | undefined,
): string | undefined {
  const present = crlDistributionPointUrls(certificate);
  const wanted = planned === undefined ? [] : [planned];
  if (present.length === wanted.length && present.every((url, i) => url === wanted[i])) {
    return undefined;
  }
  return `its CRL distribution point is ${present.join(', ') || 'absent'}, not ${wanted.join(', ') || 'absent'}`;
}

/** A certificate without its key (or the reverse) is never silently replaced. */
async function pairState(certificate: string, privateKey: string): Promise<'present' | 'absent'> {
  const [hasCertificate, hasKey] = [await fileExists(certificate), await fileExists(privateKey)];
  if (hasCertificate && hasKey) return 'present';
  if (!hasCertificate && !hasKey) return 'absent';
  const missing = hasCertificate ? privateKey : certificate;
  throw new PkiError('PKI_LAYOUT_INCONSISTENT', `${missing} is missing but its pair exists`, {
    path: missing,
  });
}

/**
 * Moves a pair into `superseded/` beside it, named by serial (`audit-checkpoint.<serial>.*`):
 * renamed, not rewritten, so the old certificate still shows what signed before. Returns where
 * the certificate went.
 */
async function supersede(paths: CertificateKeyPaths, serial: string): Promise<string> {
  const dir = join(dirname(paths.certificate), 'superseded');
  const base = basename(paths.certificate, '.cert.pem');
  const to = {
    certificate: join(dir, `${base}.${serial}.cert.pem`),
    privateKey: join(dir, `${base}.${serial}.key.pem`),
  };
  if ((await fileExists(to.certificate)) || (await fileExists(to.privateKey))) {
    throw new PkiError('PKI_FILE_EXISTS', `refusing to overwrite ${to.certificate}`, {
      path: to.certificate,
    });
  }
  await mkdir(dir, { recursive: true });
  // A key held in a token has no file: only the certificate moves.
  if (await fileExists(paths.privateKey)) await rename(paths.privateKey, to.privateKey);
  await rename(paths.certificate, to.certificate);
  return to.certificate;
}

async function assertLeafOfCa(
  paths: CertificateKeyPaths,
  ca: CertificateAuthority,
): Promise<X509Certificate> {
  const certificate = await loadCertificatePem(paths.certificate);
  const privateKey = await loadPrivateKey(paths.privateKey);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new PkiError(
      'PKI_LAYOUT_INCONSISTENT',
      `${paths.privateKey} does not match its certificate`,
    );
  }
  if (isSelfSignedCa(certificate) || !isIssuedBy(certificate, ca.certificate)) {
    throw new PkiError(
      'PKI_LAYOUT_INCONSISTENT',
      `${paths.certificate} was not issued by this party's CA`,
      { path: paths.certificate },
    );
  }
  return certificate;
}

function issuedEntry(leaf: LeafPlan, issued: CertifiedPublicKey): IssuedEntry {
  return {
    serial: issued.serial,
    profile: leaf.profile,
    subject: issued.certificate.subject.replace(/\n/g, ', '),
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
  };
}

/**
 * One leaf of a party whose keys are held outside files (`mxg pki init --pkcs11`): the key is
 * generated there when neither it nor the certificate exists, and the CA certifies the public
 * key the holder gives. Returns the new certificate, or undefined when the one present is kept.
 * As with files, nothing is silently replaced: a certificate without its key, a key file beside
 * a held key, or a certificate for another key stops the run.
 */
async function initExternalLeaf(
  run: InitRun,
  holder: ExternalKeyHolder,
  leaf: LeafPlan,
  ca: CertificateAuthority,
): Promise<CertifiedPublicKey | undefined> {
  const { certificate: certificatePath, privateKey: keyFile } = leaf.paths;
  if (await fileExists(keyFile)) {
    throw new PkiError(
      'PKI_LAYOUT_INCONSISTENT',
      `${keyFile} exists, but this party's keys are held in ${holder.description}: move the key file and its certificate away first`,
      { path: keyFile },
    );
  }
  const held = await holder.publicKey(certificatePath);
  if (await fileExists(certificatePath)) {
    const existing = await loadCertificatePem(certificatePath);
    if (held === undefined) {
      throw new PkiError(
        'PKI_LAYOUT_INCONSISTENT',
        `${certificatePath} exists but its key is not in ${holder.description}`,
        { path: certificatePath },
      );
    }
    if (!samePublicKey(existing.publicKey, held)) {
      throw new PkiError(
        'PKI_LAYOUT_INCONSISTENT',
        `${certificatePath} is not the certificate of the key in ${holder.description}`,
        { path: certificatePath },
      );
    }
    if (isSelfSignedCa(existing) || !isIssuedBy(existing, ca.certificate)) {
      throw new PkiError(
        'PKI_LAYOUT_INCONSISTENT',
        `${certificatePath} was not issued by this party's CA`,
        { path: certificatePath },
      );
    }
    const outdated = leafProblem(existing, leaf);
    if (!outdated) return undefined;
    const moved = await supersede(leaf.paths, existing.serialNumber.toUpperCase());
    run.report.reissued.push({
      file: relative(run.certsDir, certificatePath),
      reason: outdated,
      supersededTo: relative(run.certsDir, moved),
    });
  }
  const publicKey =
    held ?? (await holder.generate(certificatePath, leaf.keyAlgorithm, leaf.profile));
  return certifyPublicKey({
    issuer: ca,
    profile: leaf.profile,
    subject: leaf.subject,
    publicKey,
    crlDistributionPoint: leaf.crlDistributionPoint,
    now: run.now,
    writeTo: { certificatePath },
  });
}

function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a
    .export({ type: 'spki', format: 'der' })
    .equals(b.export({ type: 'spki', format: 'der' }));
}
