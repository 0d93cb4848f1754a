import { webcrypto } from 'node:crypto';
import { join, relative } from 'node:path';
import { type CertificateProfile, LEAF_PROFILES } from './certificate-profiles';
import { type DistinguishedName, toX509Name } from './distinguished-name';
import {
  generateKeyPair,
  type KeyAlgorithm,
  privateKeyToPem,
  publicKeyToSpki,
  toWebCryptoSigner,
} from './key-pair';
import { PRIVATE_KEY_MODE, PUBLIC_FILE_MODE, writeNewFile } from './pem-files';
import { PkiError } from './pki-error';
import { isValidSignatoryId, partyPkiPaths } from './pki-layout';
import { x509 } from './x509-provider';
import { wholeSeconds } from './x509-time';

export interface CertificateRequestOptions {
  certsDir: string;
  party: string;
  profile: CertificateProfile;
  subject: DistinguishedName;
  /** For a signatory's request: names the files. */
  signatoryId?: string;
  /** Default: rsa-2048 for an encryption key, ecdsa-p256 otherwise. */
  keyAlgorithm?: KeyAlgorithm;
  now?: Date;
}

export interface CertificateRequestResult {
  /** Relative to certsDir. */
  request: string;
  privateKey: string;
  /** PEM ('CERTIFICATE REQUEST'). */
  requestPem: string;
}

/**
 * A new key (file, 0600) and a PKCS#10 request for it (RFC 2986), signed with it, for a
 * national CA to certify: `<party>/requests/<key>[.<signatory>].<UTC time>.{key,csr}.pem`. The
 * request asks for exactly the key usages of MXG's profile for that key, so the certificate
 * that comes back can serve in that role. Nothing else changes: the request is not a
 * certificate, and the gateway keeps using what it has until one is installed.
 */
export async function createCertificateRequest(
  options: CertificateRequestOptions,
): Promise<CertificateRequestResult> {
  const profile = LEAF_PROFILES[options.profile];
  const keyAlgorithm =
    options.keyAlgorithm ?? (options.profile === 'encryption' ? 'rsa-2048' : 'ecdsa-p256');
  if (profile.rsaOnly && !keyAlgorithm.startsWith('rsa-')) {
    throw new PkiError('PKI_INVALID_REQUEST', `${options.profile} keys must be RSA`);
  }
  if (options.profile === 'signatory') {
    if (options.signatoryId === undefined || !isValidSignatoryId(options.signatoryId)) {
      throw new PkiError('PKI_INVALID_REQUEST', 'a signatory request needs a valid signatory id');
    }
  }
  const paths = partyPkiPaths(options.certsDir, options.party.toUpperCase());
  const stamp = wholeSeconds(options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('.000', '');
  const name = [options.profile, options.signatoryId, stamp].filter(Boolean).join('.');
  const requestPath = join(paths.dir, 'requests', `${name}.csr.pem`);
  const keyPath = join(paths.dir, 'requests', `${name}.key.pem`);

  const keys = await generateKeyPair(keyAlgorithm);
  const signer = await toWebCryptoSigner(keys.privateKey);
  const publicKey = await webcrypto.subtle.importKey(
    'spki',
    publicKeyToSpki(keys.publicKey),
    signer.key.algorithm,
    true,
    ['verify'],
  );
  const extensions: x509.Extension[] = [new x509.KeyUsagesExtension(profile.keyUsage, true)];
  if (profile.extendedKeyUsage) {
    extensions.push(
      new x509.ExtendedKeyUsageExtension(
        profile.extendedKeyUsage,
        profile.extendedKeyUsageCritical === true,
      ),
    );
  }
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: toX509Name(options.subject),
    keys: { privateKey: signer.key, publicKey },
    signingAlgorithm: signer.algorithm,
    extensions,
  });
  const requestPem = request.toString('pem');
  await writeNewFile(keyPath, privateKeyToPem(keys.privateKey), PRIVATE_KEY_MODE);
  await writeNewFile(requestPath, `${requestPem.trimEnd()}\n`, PUBLIC_FILE_MODE);
  return {
    request: relative(options.certsDir, requestPath),
    privateKey: relative(options.certsDir, keyPath),
    requestPem,
  };
}
