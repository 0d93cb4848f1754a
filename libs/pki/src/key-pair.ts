import { generateKeyPair as generateNodeKeyPair, KeyObject, webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { PkiError } from './pki-error';

export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';
export type RsaKeyAlgorithm = Extract<KeyAlgorithm, `rsa-${string}`>;
/** Too weak for any real use; exists only so tests can prove that weak keys are refused. */
export type WeakKeyAlgorithm = 'rsa-1024';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generate = promisify(generateNodeKeyPair);

export async function generateKeyPair(
  algorithm: KeyAlgorithm | WeakKeyAlgorithm,
  options: { allowWeakForTests?: boolean } = {},
): Promise<KeyPair> {
  switch (algorithm) {
    case 'ecdsa-p256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'ecdsa-p384':
      return generate('ec', { namedCurve: 'P-384' });
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return generate('rsa', { modulusLength: rsaBits(algorithm), publicExponent: 0x10001 });
    case 'rsa-1024':
      if (options.allowWeakForTests !== true) {
        throw new PkiError('PKI_WEAK_KEY', 'rsa-1024 keys are only issued with allowWeakForTests');
      }
      return generate('rsa', { modulusLength: 1024, publicExponent: 0x10001 });
  }
}

function rsaBits(algorithm: RsaKeyAlgorithm): number {
  return Number(algorithm.slice('rsa-'.length));
}

export function isRsaKeyAlgorithm(algorithm: string): algorithm is RsaKeyAlgorithm {
  return algorithm === 'rsa-2048' || algorithm === 'rsa-3072' || algorithm === 'rsa-4096';
}

export function privateKeyToPem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function publicKeyToSpki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

export interface WebCryptoSigner {
  key: webcrypto.CryptoKey;
  algorithm: webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams;
}

const EC_SIGNING: Partial<Record<string, { namedCurve: string; hash: string }>> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
};

/**
 * @peculiar/x509 signs through WebCrypto, so the CA's KeyObject is imported as a non-extractable
 * CryptoKey for the one operation. The hash follows the key: SHA-256 for P-256 and RSA, SHA-384
 * for P-384 (RFC 5480 §4 pairs curve and hash strength).
 */
export async function toWebCryptoSigner(privateKey: KeyObject): Promise<WebCryptoSigner> {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { key, algorithm };
  }
  const ec = privateKey.asymmetricKeyType === 'ec' ? EC_SIGNING[curve ?? ''] : undefined;
  if (ec === undefined) {
    throw new PkiError('PKI_UNSUPPORTED_KEY', 'CA keys must be RSA or ECDSA P-256/P-384', {
      keyType: privateKey.asymmetricKeyType,
      curve,
    });
  }
  const key = await webcrypto.subtle.importKey(
    'pkcs8',
    pkcs8,
    { name: 'ECDSA', namedCurve: ec.namedCurve },
    false,
    ['sign'],
  );
  return { key, algorithm: { name: 'ECDSA', hash: ec.hash } };
}
