import { createPublicKey, type KeyObject } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';

/** CKA_EC_PARAMS (a DER namedCurve OID) of the curves MXG uses, and their JWK names. */
const CURVES: readonly { readonly params: string; readonly jwk: string; readonly bytes: number }[] =
  [
    { params: '06082a8648ce3d030107', jwk: 'P-256', bytes: 32 },
    { params: '06052b81040022', jwk: 'P-384', bytes: 48 },
  ];

export function curveParams(jwkName: 'P-256' | 'P-384'): Buffer {
  const curve = CURVES.find((c) => c.jwk === jwkName);
  if (!curve) throw new TypeError(`unsupported curve ${jwkName}`);
  return Buffer.from(curve.params, 'hex');
}

/**
 * The public key of a token key pair as a node KeyObject, read from the public-key object
 * (RSA: modulus and exponent; EC: curve and point). Public attributes only: nothing secret is
 * read, and a sensitive private key could not be read anyway.
 */
export function readPublicKey(
  library: pkcs11js.PKCS11,
  session: pkcs11js.Handle,
  publicKey: pkcs11js.Handle,
): KeyObject {
  const [keyType] = library.C_GetAttributeValue(session, publicKey, [
    { type: pkcs11js.CKA_KEY_TYPE },
  ]);
  const type = numberValue(keyType.value);
  if (type === pkcs11js.CKK_RSA) {
    const [modulus, exponent] = library.C_GetAttributeValue(session, publicKey, [
      { type: pkcs11js.CKA_MODULUS },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT },
    ]);
    return createPublicKey({
      key: {
        kty: 'RSA',
        n: bufferValue(modulus.value).toString('base64url'),
        e: bufferValue(exponent.value).toString('base64url'),
      },
      format: 'jwk',
    });
  }
  if (type === pkcs11js.CKK_EC) {
    const [params, point] = library.C_GetAttributeValue(session, publicKey, [
      { type: pkcs11js.CKA_EC_PARAMS },
      { type: pkcs11js.CKA_EC_POINT },
    ]);
    const curve = CURVES.find((c) => c.params === bufferValue(params.value).toString('hex'));
    if (!curve) throw new TypeError('the token key is on a curve MXG does not use');
    const xy = uncompressedPoint(bufferValue(point.value), curve.bytes);
    return createPublicKey({
      key: {
        kty: 'EC',
        crv: curve.jwk,
        x: xy.subarray(1, 1 + curve.bytes).toString('base64url'),
        y: xy.subarray(1 + curve.bytes).toString('base64url'),
      },
      format: 'jwk',
    });
  }
  throw new TypeError('the token key is neither RSA nor EC');
}

/**
 * CKA_EC_POINT is the DER OCTET STRING of the point (PKCS#11 2.40 §2.3.3); a few modules give the
 * bare point. Either way the result is 04 || X || Y.
 */
function uncompressedPoint(value: Buffer, coordinateBytes: number): Buffer {
  const length = 1 + 2 * coordinateBytes;
  if (value.length === length && value[0] === 0x04) return value;
  if (value[0] === 0x04 && value.length === length + 2 && value[1] === length) {
    return value.subarray(2);
  }
  throw new TypeError('the token key has an EC point MXG cannot read');
}

function numberValue(value: unknown): number {
  if (Buffer.isBuffer(value)) return value.readUIntLE(0, Math.min(value.length, 6));
  if (typeof value === 'number') return value;
  throw new TypeError('unexpected attribute value');
}

function bufferValue(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  throw new TypeError('unexpected attribute value');
}

/** Whether a token key and a certificate's key are the same public key (SPKI DER equal). */
export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a
    .export({ type: 'spki', format: 'der' })
    .equals(b.export({ type: 'spki', format: 'der' }));
}
