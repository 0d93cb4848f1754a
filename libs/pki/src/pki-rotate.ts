import { relative } from 'node:path';
import { readCaDatabase, writeCaDatabase } from './ca-database';
import { loadCertificateAuthority } from './certificate-authority';
import { crlDistributionPointUrls } from './crl-distribution-point';
import { gatewaySubject } from './distinguished-name';
import { issueCertificate } from './issue-certificate';
import { keyGenerationPaths, keyGenerations } from './key-generations';
import type { KeyAlgorithm } from './key-pair';
import { loadCertificatePem } from './pem-files';
import { PkiError } from './pki-error';
import { partyPkiPaths } from './pki-layout';

/** The gateway keys that rotate by generations; peers hold every generation's certificate. */
export type RotatableKey = 'seal' | 'encryption';

export interface RotateKeyOptions {
  certsDir: string;
  party: string;
  key: RotatableKey;
  /**
   * How long (days from now) peers must be able to accept both generations: a rotation whose
   * previous generation ends sooner still happens, but the result says so (`overlapShortBy`).
   */
  overlapDays?: number;
  /** Default: ecdsa-p256 for a seal, rsa-2048 for an encryption key (RSA-OAEP key transport). */
  keyAlgorithm?: KeyAlgorithm;
  /**
   * When the new generation comes into force (its notBefore); default now. A later start lets
   * peers take the new certificate into their trust lists before the sender moves to it.
   */
  start?: Date;
  /** Default: the previous generation's CRL distribution point (the party's gateway). */
  crlDistributionPoint?: string;
  now?: Date;
}

export interface RotateKeyResult {
  generation: number;
  /** Relative to certsDir. */
  certificate: string;
  privateKey: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** The generation it follows, still valid for the rest of its life. */
  previous: { generation: number; serial: string; notAfter: Date };
  /** Days by which the previous generation ends before the overlap asked for, if it does. */
  overlapShortBy?: number;
}

const DAY_MS = 86_400_000;

/**
 * Issues the next generation of a gateway seal or encryption key (`gateway/seal.<n>.*`), valid
 * from now (or `start`), from the party's CA. Nothing is revoked or moved: the previous generation stays
 * valid for the rest of its life, so envelopes sealed with it (or encrypted to it) before the
 * rotation — still queued, or re-verified years later — keep verifying; the sender seals with
 * the newest generation in force, and peers encrypt to it, once they have its certificate.
 */
export async function rotateKey(options: RotateKeyOptions): Promise<RotateKeyResult> {
  const now = options.now ?? new Date();
  const code = options.party.toUpperCase();
  const paths = partyPkiPaths(options.certsDir, code);
  const base = paths.gateway[options.key];
  const held = keyGenerations(base);
  if (held.length === 0) {
    throw new PkiError(
      'PKI_CERT_NOT_FOUND',
      `${code} has no ${options.key} certificate to rotate: run mxg pki init first`,
      { path: base.certificate },
    );
  }
  const previousPaths = held[held.length - 1];
  const previousGeneration = generationNumber(base, previousPaths.certificate);
  const generation = previousGeneration + 1;
  const previous = await loadCertificatePem(previousPaths.certificate);
  const target = keyGenerationPaths(base, generation);
  const ca = await loadCertificateAuthority(options.certsDir, code);
  const db = await readCaDatabase(paths.caDatabase);
  const issued = await issueCertificate({
    issuer: ca,
    profile: options.key,
    subject: gatewaySubject(code, options.key),
    keyAlgorithm:
      options.keyAlgorithm ?? (options.key === 'encryption' ? 'rsa-2048' : 'ecdsa-p256'),
    crlDistributionPoint: options.crlDistributionPoint ?? crlDistributionPointUrls(previous)[0],
    notBefore: options.start ?? now,
    now,
    writeTo: { certificatePath: target.certificate, privateKeyPath: target.privateKey },
  });
  db.issued.push({
    serial: issued.serial,
    profile: options.key,
    subject: issued.certificate.subject.replace(/\n/g, ', '),
    notBefore: issued.notBefore.toISOString(),
    notAfter: issued.notAfter.toISOString(),
  });
  await writeCaDatabase(paths.caDatabase, db);

  const previousEnd = new Date(previous.validTo);
  const result: RotateKeyResult = {
    generation,
    certificate: relative(options.certsDir, target.certificate),
    privateKey: relative(options.certsDir, target.privateKey),
    serial: issued.serial,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    previous: {
      generation: previousGeneration,
      serial: previous.serialNumber.toUpperCase(),
      notAfter: previousEnd,
    },
  };
  if (options.overlapDays !== undefined) {
    const wanted = (options.start ?? now).getTime() + options.overlapDays * DAY_MS;
    if (previousEnd.getTime() < wanted) {
      result.overlapShortBy = Math.ceil((wanted - previousEnd.getTime()) / DAY_MS);
    }
  }
  return result;
}

function generationNumber(base: { certificate: string }, certificate: string): number {
  if (certificate === base.certificate) return 1;
  const match = /\.([0-9]+)\.cert\.pem$/.exec(certificate);
  return Number(match?.[1]);
}
