import { KeyObject, webcrypto } from 'node:crypto';
import { CmsError } from './cms.errors';

/** Private keys stay inside OpenSSL: a KeyObject, or a (possibly non-extractable) CryptoKey. */
export type PrivateKeyInput = KeyObject | webcrypto.CryptoKey;

export interface PublicKeyInfo {
  /** node's asymmetricKeyType: 'ec', 'rsa', 'rsa-pss', 'ed25519', ... */
  readonly type: string;
  readonly bits?: number;
  /** NIST name where known ('P-256'), otherwise OpenSSL's curve name. */
  readonly curve?: string;
  /** RSA modulus below 2048 bits (NIST SP 800-131A). */
  readonly legacy: boolean;
}

export const MIN_RSA_BITS = 2048;

const NIST_CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

export function toPrivateKeyObject(key: PrivateKeyInput): KeyObject {
  // KeyObject.from unwraps the CryptoKey's handle; no key material is exported to JS.
  const keyObject = key instanceof KeyObject ? key : KeyObject.from(key);
  if (keyObject.type !== 'private') throw new TypeError('A private key is required');
  return keyObject;
}

/** Keys come from long-lived certificates (node caches X509Certificate.publicKey). */
const described = new WeakMap<KeyObject, PublicKeyInfo>();

export function describePublicKey(key: KeyObject): PublicKeyInfo {
  let info = described.get(key);
  if (!info) {
    info = describe(key);
    described.set(key, info);
  }
  return info;
}

function describe(key: KeyObject): PublicKeyInfo {
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  const bits = details.modulusLength;
  const curve = details.namedCurve && (NIST_CURVES[details.namedCurve] ?? details.namedCurve);
  return { type, bits, curve, legacy: bits !== undefined && bits < MIN_RSA_BITS };
}

/** MXG never produces anything with a key it would flag as legacy when reading. */
export function assertStrongKey(key: KeyObject, role: string): void {
  if (describePublicKey(key).legacy) {
    throw new CmsError(
      'UNSUPPORTED_ALGORITHM',
      `${role} RSA key is shorter than ${MIN_RSA_BITS} bits`,
    );
  }
}
