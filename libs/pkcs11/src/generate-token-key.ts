import { randomBytes, type KeyObject } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { EnvelopeError } from '@mxg/envelope';
import type { Pkcs11Token } from './pkcs11-token';
import { curveParams, readPublicKey } from './token-public-key';

/** The key algorithms of MXG's development PKI (@mxg/pki KeyAlgorithm) a token can generate. */
export type TokenKeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';

export type TokenKeyUse = 'sign' | 'decrypt';

/**
 * Generates a key pair in the token under `label` and returns its public key, for the CA to
 * certify. The private key is a token object that is private, sensitive and never extractable
 * (CKA_SENSITIVE, CKA_EXTRACTABLE false): it can sign or unwrap, never be read out. Both objects
 * share a random CKA_ID, as PKCS#11 tools expect of a pair. Refuses a label already in use: a
 * key is replaced deliberately (delete it in the token), never by accident.
 */
export async function generateTokenKeyPair(
  token: Pkcs11Token,
  label: string,
  algorithm: TokenKeyAlgorithm,
  use: TokenKeyUse,
): Promise<KeyObject> {
  if (
    token.find(label, pkcs11js.CKO_PRIVATE_KEY).length > 0 ||
    token.find(label, pkcs11js.CKO_PUBLIC_KEY).length > 0
  ) {
    throw new EnvelopeError(
      'KEY_NOT_AVAILABLE',
      `PKCS#11 token '${token.label}' already holds a key labelled ${label}`,
    );
  }
  const id = randomBytes(16);
  const common: pkcs11js.Template = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: id },
  ];
  const rsa = algorithm.startsWith('rsa-');
  const publicTemplate: pkcs11js.Template = [
    ...common,
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_VERIFY, value: use === 'sign' },
    { type: pkcs11js.CKA_ENCRYPT, value: use === 'decrypt' },
    ...(rsa
      ? [
          { type: pkcs11js.CKA_MODULUS_BITS, value: Number(algorithm.slice('rsa-'.length)) },
          { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([0x01, 0x00, 0x01]) },
        ]
      : [
          {
            type: pkcs11js.CKA_EC_PARAMS,
            value: curveParams(algorithm === 'ecdsa-p384' ? 'P-384' : 'P-256'),
          },
        ]),
  ];
  const privateTemplate: pkcs11js.Template = [
    ...common,
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_SIGN, value: use === 'sign' },
    { type: pkcs11js.CKA_DECRYPT, value: use === 'decrypt' },
  ];
  const mechanism = {
    mechanism: rsa ? pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN : pkcs11js.CKM_EC_KEY_PAIR_GEN,
  };
  return token.withSession(async (session) => {
    const pair = await token.library.C_GenerateKeyPairAsync(
      session,
      mechanism,
      publicTemplate,
      privateTemplate,
    );
    return readPublicKey(token.library, session, pair.publicKey);
  });
}
