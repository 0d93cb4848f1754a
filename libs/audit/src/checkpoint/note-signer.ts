import {
  constants,
  createPublicKey,
  sign,
  type KeyObject,
  type X509Certificate,
} from 'node:crypto';
import { AuditError, AuditErrorCode } from '../audit-error';

/**
 * The audit-checkpoint key as an operation: it signs checkpoints, witness cosignatures and
 * export statements, and never leaves whatever holds it (a KeyObject here, a PKCS#11 token).
 */
export interface NoteSigner {
  /** The public key: names the key in notes (key ID) and decides the signature scheme. */
  readonly publicKey: KeyObject;
  /**
   * Signs `data` with SHA-256 as signed notes carry it: ECDSA P-256 as a DER `ECDSA-Sig-Value`,
   * or RSA-PSS with MGF1-SHA-256 and a 32-byte salt.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A note signer over a key held in this process (files, tests); signs synchronously inside. */
export function noteSignerFromKeyObject(privateKey: KeyObject): NoteSigner {
  if (privateKey.type !== 'private') {
    throw new AuditError(AuditErrorCode.CheckpointKeyUnsupported, 'signing needs a private key');
  }
  const publicKey = createPublicKey(privateKey);
  const options = noteSignatureOptions(publicKey);
  return {
    publicKey,
    sign: (data) =>
      new Promise((resolve) => resolve(sign('sha256', data, { key: privateKey, ...options }))),
  };
}

/**
 * A key that signs by scheme name, as the gateway's key store hands its keys out (a CMS
 * signer): only the two schemes signed notes use are ever asked of it.
 */
export interface SchemeSigningKey {
  readonly certificate: X509Certificate;
  sign(data: Uint8Array, scheme: 'ecdsa-sha256' | 'rsa-pss-sha256'): Promise<Uint8Array>;
}

/**
 * A note signer over a key store's audit-checkpoint key: ECDSA P-256 or RSA-PSS with SHA-256
 * and a 32-byte salt, which is what such a key produces for these scheme names.
 */
export function noteSignerFromKey(key: SchemeSigningKey): NoteSigner {
  const publicKey = key.certificate.publicKey;
  const options = noteSignatureOptions(publicKey);
  const scheme = 'dsaEncoding' in options ? 'ecdsa-sha256' : 'rsa-pss-sha256';
  return { publicKey, sign: (data) => key.sign(data, scheme) };
}

/** The node options of the one scheme a key of this type signs notes with. */
export function noteSignatureOptions(
  key: KeyObject,
): { dsaEncoding: 'der' } | { padding: number; saltLength: number } {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (type === 'ec') {
    if (details?.namedCurve !== 'prime256v1') unsupported('EC keys must be P-256');
    return { dsaEncoding: 'der' };
  }
  if (type === 'rsa' || type === 'rsa-pss') {
    if ((details?.modulusLength ?? 0) < 2048) unsupported('RSA keys need at least 2048 bits');
    // Salt as long as the digest (RFC 8017 §9.1 recommendation); fixed so verify is exact.
    return { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  }
  return unsupported(`unsupported key type ${type ?? key.type}`);
}

function unsupported(message: string): never {
  throw new AuditError(AuditErrorCode.CheckpointKeyUnsupported, message);
}
