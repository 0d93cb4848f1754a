import { constants, privateDecrypt, sign, type KeyObject } from 'node:crypto';
import { SIGNATURE_SCHEME_PARAMS, signingKeyOptions, type SignatureScheme } from './cms-algorithms';
import { parseCertificate, type CertificateInput } from './certificate';
import { CmsError } from './cms.errors';
import { toPrivateKeyObject, type PrivateKeyInput } from './keys';

/**
 * A private key's signing operation; the key never leaves whatever holds it (a KeyObject in
 * this process, a PKCS#11 token, ...). `signCms` asks it for one signature and knows nothing
 * else about the key.
 */
export interface CmsSigner {
  readonly certificate: CertificateInput;
  /** Intermediates (and, if wanted, the root) to carry alongside the signer certificate. */
  readonly chain?: readonly CertificateInput[];
  /**
   * Signs `data` (the DER of the signed attributes) with `scheme`, hashing it with the scheme's
   * hash. Returns the signature as CMS carries it: PKCS#1 (v1.5 or PSS, salt as long as the
   * hash) for RSA, a DER `ECDSA-Sig-Value` for ECDSA (RFC 5753 §2.1.1).
   */
  sign(data: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array>;
}

/** The OAEP hashes (and MGF1 hashes, always the same) a key transport may name. */
export type OaepHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** A key-transport private key's decryption operation (RSA-OAEP, RFC 8017 §7.1.2, no label). */
export interface CmsKeyDecrypter {
  readonly certificate: CertificateInput;
  /**
   * The content-encryption key in `encryptedKey`, decrypted with RSAES-OAEP using `oaepHash`
   * for both the hash and MGF1. Throws on any failure; the caller says nothing more about it.
   */
  decryptKey(encryptedKey: Uint8Array, oaepHash: OaepHash): Promise<Uint8Array>;
}

/**
 * A signer over a key held in this process (files, tests). The key is checked once, here,
 * against the certificate (signCms checks its strength); each signature is then one synchronous
 * `crypto.sign` — see signSync for why not the libuv pool.
 */
export function signerFromKeyObject(
  certificate: CertificateInput,
  privateKey: PrivateKeyInput,
  chain?: readonly CertificateInput[],
): CmsSigner {
  const key = toPrivateKeyObject(privateKey);
  assertKeyBelongs(key, certificate, 'signer');
  return {
    certificate,
    chain,
    sign(data: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array> {
      return new Promise((resolve) => {
        assertKeyFitsScheme(key, scheme);
        resolve(signSync(SIGNATURE_SCHEME_PARAMS[scheme].hash, data, key, scheme));
      });
    },
  };
}

/** A key-transport decrypter over a key held in this process (files, tests). */
export function decrypterFromKeyObject(
  certificate: CertificateInput,
  privateKey: PrivateKeyInput,
): CmsKeyDecrypter {
  const key = toPrivateKeyObject(privateKey);
  assertKeyBelongs(key, certificate, 'recipient');
  return {
    certificate,
    decryptKey(encryptedKey: Uint8Array, oaepHash: OaepHash): Promise<Uint8Array> {
      // Synchronous, as node offers it (no callback form): ≈ 250 µs for RSA-2048, the longest
      // stall on the event loop, and the bound that signing and verifying stay well under —
      // once per reused content key (unwrapped-keys.ts).
      return new Promise((resolve) =>
        resolve(
          privateDecrypt(
            { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
            encryptedKey,
          ),
        ),
      );
    },
  };
}

function assertKeyBelongs(
  privateKey: KeyObject,
  certificate: CertificateInput,
  role: 'signer' | 'recipient',
): void {
  if (!parseCertificate(certificate).x509.checkPrivateKey(privateKey)) {
    // The code predates decrypters; it names any key/certificate mismatch.
    throw new CmsError(
      'SIGNER_KEY_MISMATCH',
      `Private key does not belong to the ${role} certificate`,
    );
  }
}

/** Whether a key of node's `type` (the certificate's public key, or a private key) can sign `scheme`. */
export function keyTypeFitsScheme(type: string | undefined, scheme: SignatureScheme): boolean {
  const { family } = SIGNATURE_SCHEME_PARAMS[scheme];
  return family === 'ecdsa'
    ? type === 'ec'
    : type === 'rsa' || (family === 'rsa-pss' && type === 'rsa-pss');
}

function assertKeyFitsScheme(key: KeyObject, scheme: SignatureScheme): void {
  if (!keyTypeFitsScheme(key.asymmetricKeyType, scheme)) {
    throw new CmsError(
      'UNSUPPORTED_ALGORITHM',
      `A ${key.asymmetricKeyType ?? 'unknown'} key cannot sign ${scheme}`,
    );
  }
}

/**
 * Synchronous on purpose. node's callback form runs the signature on the libuv pool, and the
 * hop costs more CPU than it saves the event loop (node 20, OpenSSL 3.0, measured with
 * process.cpuUsage, pool threads included): ECDSA P-256 ≈ 31 µs sync against ≈ 79 µs awaited
 * one at a time on the pool, ≈ 39 µs with 4 in flight and ≈ 29 µs with 16; RSA-PSS-2048
 * ≈ 261 µs sync against ≈ 345 / 305 / 270 µs. Gateways run on machines whose cores the
 * gateways, PostgreSQL and RabbitMQ already keep busy, where the pool adds CPU, not capacity;
 * and the longest sync stall, RSA at ≈ 0.26 ms, is that of the RSA-OAEP unwrap, which node
 * offers only synchronously anyway.
 */
function signSync(hash: string, data: Uint8Array, key: KeyObject, scheme: SignatureScheme): Buffer {
  return sign(hash, data, { key, ...signingKeyOptions(scheme) });
}
