import { KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import {
  CertificateProfile,
  LEAF_PROFILES,
  LEAF_VALIDITY_YEARS,
  leafExtensions,
  ROOT_CA_VALIDITY_YEARS,
  rootCaExtensions,
  type TlsServerNames,
} from './certificate-profiles';
import { DistinguishedName, toX509Name } from './distinguished-name';
import {
  generateKeyPair,
  KeyAlgorithm,
  privateKeyToPem,
  publicKeyToSpki,
  toWebCryptoSigner,
  WeakKeyAlgorithm,
} from './key-pair';
import { PRIVATE_KEY_MODE, PUBLIC_FILE_MODE, writeNewFile } from './pem-files';
import { PkiError } from './pki-error';
import { x509 } from './x509-provider';
import { addYears, wholeSeconds } from './x509-time';

/** A CA as loaded from disk: its certificate and the key that signs for it. */
export interface CertificateAuthority {
  certificate: X509Certificate;
  privateKey: KeyObject;
}

export interface IssuedCertificate {
  certificate: X509Certificate;
  certificatePem: string;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** Upper-case hex, as `openssl x509 -serial` and node's X509Certificate print it. */
  serial: string;
}

export interface IssueCertificateOptions {
  issuer: CertificateAuthority;
  profile: CertificateProfile;
  subject: DistinguishedName;
  keyAlgorithm: KeyAlgorithm | WeakKeyAlgorithm;
  /** Required for rsa-1024, which exists only for "algorithm not allowed" tests. */
  allowWeakForTests?: boolean;
  /** Default: now. May lie in the past so tests can mint expired certificates. */
  notBefore?: Date;
  /** Default: notBefore + 2 years, but never past the issuer's own expiry. */
  notAfter?: Date;
  now?: Date;
  /**
   * The URL of the issuer's CRL, written as the certificate's CRL distribution point so that
   * relying parties can fetch it (the party's gateway serves it). None when absent.
   */
  crlDistributionPoint?: string;
  /** A tls-server certificate's subjectAltName; default DNS:localhost, IP:127.0.0.1. */
  serverNames?: TlsServerNames;
  /** Nothing is written unless given; existing files are never overwritten. */
  writeTo?: { certificatePath: string; privateKeyPath: string };
}

/** Issues an end-entity certificate and a fresh key pair from a party's CA. */
export async function issueCertificate(
  options: IssueCertificateOptions,
): Promise<IssuedCertificate> {
  const { profile, keyAlgorithm } = options;
  if (LEAF_PROFILES[profile].rsaOnly && !keyAlgorithm.startsWith('rsa-')) {
    throw new PkiError('PKI_INVALID_REQUEST', `${profile} certificates need an RSA key`, {
      profile,
      keyAlgorithm,
    });
  }
  assertIssuer(options.issuer);
  const keys = await generateKeyPair(keyAlgorithm, {
    allowWeakForTests: options.allowWeakForTests,
  });
  const issued = { ...(await certify(options, keys.publicKey)), privateKey: keys.privateKey };
  if (options.writeTo) {
    await writeNewFile(
      options.writeTo.privateKeyPath,
      privateKeyToPem(keys.privateKey),
      PRIVATE_KEY_MODE,
    );
    await writeNewFile(options.writeTo.certificatePath, issued.certificatePem, PUBLIC_FILE_MODE);
  }
  return issued;
}

export interface CertifyPublicKeyOptions extends Omit<
  IssueCertificateOptions,
  'keyAlgorithm' | 'allowWeakForTests' | 'writeTo'
> {
  /** A key whose private half is held elsewhere: a PKCS#11 token (`mxg pki init --pkcs11`). */
  publicKey: KeyObject;
  /** Nothing is written unless given; an existing file is never overwritten. */
  writeTo?: { certificatePath: string };
}

export type CertifiedPublicKey = Omit<IssuedCertificate, 'privateKey'>;

/**
 * Issues an end-entity certificate for an existing public key: the private key is not here and
 * no key file is written. Used for keys generated inside a hardware token, which never leave it.
 */
export async function certifyPublicKey(
  options: CertifyPublicKeyOptions,
): Promise<CertifiedPublicKey> {
  const { profile, publicKey } = options;
  if (publicKey.type !== 'public') {
    throw new PkiError('PKI_INVALID_REQUEST', 'certifyPublicKey takes a public key');
  }
  if (LEAF_PROFILES[profile].rsaOnly && publicKey.asymmetricKeyType !== 'rsa') {
    throw new PkiError('PKI_INVALID_REQUEST', `${profile} certificates need an RSA key`, {
      profile,
      keyType: publicKey.asymmetricKeyType,
    });
  }
  assertIssuer(options.issuer);
  const certified = await certify(options, publicKey);
  if (options.writeTo) {
    await writeNewFile(options.writeTo.certificatePath, certified.certificatePem, PUBLIC_FILE_MODE);
  }
  return certified;
}

function assertIssuer(issuer: CertificateAuthority): void {
  if (!issuer.certificate.ca || !issuer.certificate.checkPrivateKey(issuer.privateKey)) {
    throw new PkiError('PKI_INVALID_REQUEST', 'issuer is not a CA certificate with its own key', {
      issuer: issuer.certificate.subject,
    });
  }
}

/** The leaf certificate for `publicKey`, signed by the issuer (checked by the caller). */
async function certify(
  options: Omit<IssueCertificateOptions, 'keyAlgorithm' | 'allowWeakForTests' | 'writeTo'>,
  publicKey: KeyObject,
): Promise<CertifiedPublicKey> {
  const { issuer, profile } = options;
  const issuerCertificate = new x509.X509Certificate(issuer.certificate.raw);
  const issuerKeyId = issuerCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (issuerKeyId === undefined) {
    throw new PkiError('PKI_INVALID_REQUEST', 'issuer certificate has no subject key identifier');
  }

  const notBefore = wholeSeconds(options.notBefore ?? options.now ?? new Date());
  const notAfter = wholeSeconds(
    options.notAfter ??
      earliest(addYears(notBefore, LEAF_VALIDITY_YEARS), issuerCertificate.notAfter),
  );
  if (notAfter <= notBefore) {
    throw new PkiError('PKI_INVALID_REQUEST', 'notAfter must be later than notBefore', {
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
    });
  }

  const spki = publicKeyToSpki(publicKey);
  const signer = await toWebCryptoSigner(issuer.privateKey);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: toX509Name(options.subject),
    issuer: issuerCertificate.subjectName,
    notBefore,
    notAfter,
    publicKey: spki,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: await leafExtensions(
      profile,
      spki,
      issuerKeyId,
      options.crlDistributionPoint,
      options.serverNames,
    ),
  });
  return toCertified(certificate);
}

/** A self-signed root valid for ten years; written by the caller (see pki-init). */
export async function createRootCa(options: {
  partySubject: DistinguishedName;
  keyAlgorithm: KeyAlgorithm;
  now?: Date;
}): Promise<IssuedCertificate> {
  const notBefore = wholeSeconds(options.now ?? new Date());
  const keys = await generateKeyPair(options.keyAlgorithm);
  const spki = publicKeyToSpki(keys.publicKey);
  const signer = await toWebCryptoSigner(keys.privateKey);
  const name = toX509Name(options.partySubject);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: name,
    issuer: name,
    notBefore,
    notAfter: addYears(notBefore, ROOT_CA_VALIDITY_YEARS),
    publicKey: spki,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: await rootCaExtensions(spki),
  });
  return toIssued(certificate, keys.privateKey);
}

function toIssued(certificate: x509.X509Certificate, privateKey: KeyObject): IssuedCertificate {
  return { ...toCertified(certificate), privateKey };
}

function toCertified(certificate: x509.X509Certificate): CertifiedPublicKey {
  const nodeCertificate = new X509Certificate(Buffer.from(certificate.rawData));
  return {
    certificate: nodeCertificate,
    certificatePem: nodeCertificate.toString(),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    serial: nodeCertificate.serialNumber.toUpperCase(),
  };
}

/**
 * 16 random bytes with the top bit cleared (DER INTEGERs are signed; serials must be positive)
 * and the next bit set, so the encoding is always exactly 16 bytes: 126 bits of entropy.
 */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function earliest(a: Date, b: Date): Date {
  return a <= b ? a : b;
}
