import type { KeyObject } from 'node:crypto';
import type { SignatureScheme } from '@mxg/cms';
import type { AlgorithmPolicy } from '@mxg/config';
import { EnvelopeError } from './envelope.errors';

/**
 * The scheme a key signs with under a policy: ECDSA with the hash that matches its curve
 * (RFC 5480), RSA-PSS for RSA keys, PKCS#1 v1.5 only where PSS is not allowed. Judged on the
 * public key (the certificate's): the private key may be in a token, out of reach.
 */
export function signatureSchemeFor(key: KeyObject, policy: AlgorithmPolicy): SignatureScheme {
  if (key.type !== 'public') throw new TypeError('signatureSchemeFor takes a public key');
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const preferences: SignatureScheme[] =
    key.asymmetricKeyType === 'ec'
      ? curve === 'secp384r1'
        ? ['ecdsa-sha384']
        : ['ecdsa-sha256']
      : key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss'
        ? ['rsa-pss-sha256', 'rsa-pkcs1-sha256']
        : [];
  const scheme = preferences.find((s) => (policy.signatures as readonly string[]).includes(s));
  if (!scheme) {
    throw new EnvelopeError(
      'ALGORITHM_NOT_ALLOWED',
      `a ${key.asymmetricKeyType ?? 'unknown'} key cannot sign with any algorithm the agreement allows`,
    );
  }
  return scheme;
}
