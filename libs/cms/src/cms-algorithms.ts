import { constants } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CmsError } from './cms.errors';
import {
  NULL,
  contextConstructed,
  objectIdentifier,
  octetString,
  sequence,
  smallInteger,
} from './der';

/**
 * Every algorithm MXG writes, plus the legacy ones it must recognise so that they can be
 * REPORTED to the caller's allow-list instead of being silently accepted or lumped in with
 * "unknown". Nothing outside this file maps OIDs.
 */
export const OID = {
  // RFC 5652 content types (§4, §5, §6) and attributes (§11)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentTypeAttribute: '1.2.840.113549.1.9.3',
  messageDigestAttribute: '1.2.840.113549.1.9.4',
  signingTimeAttribute: '1.2.840.113549.1.9.5',
  // Digests (RFC 5754 §2; legacy RFC 3370 §2)
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // RSA (RFC 8017 Appendix A, RFC 4055)
  rsaEncryption: '1.2.840.113549.1.1.1',
  md5WithRSAEncryption: '1.2.840.113549.1.1.4',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  pSpecified: '1.2.840.113549.1.1.9',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  // ECDSA (RFC 5758 §3.2; legacy RFC 3279 §2.2.3)
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  // Content encryption (RFC 3565 §4.1; legacy RFC 3370 §5.1)
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  desEde3Cbc: '1.2.840.113549.3.7',
} as const;

export type DigestName = 'sha256' | 'sha384' | 'sha512';
export type LegacyDigestName = 'sha1' | 'md5';
export type SignatureScheme =
  'ecdsa-sha256' | 'ecdsa-sha384' | 'rsa-pss-sha256' | 'rsa-pkcs1-sha256';
export type SignatureFamily = 'ecdsa' | 'rsa-pss' | 'rsa-pkcs1';
export type KeyTransportScheme = 'rsa-oaep-sha256';
export type KeyTransportFamily = 'rsa-oaep' | 'rsa-pkcs1-v1_5';
export type ContentEncryptionScheme = 'aes-256-cbc';
/** aes-128-cbc is decrypted but never produced; des-ede3-cbc is only recognised and reported. */
export type ContentEncryptionName = 'aes-256-cbc' | 'aes-128-cbc' | 'des-ede3-cbc';

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = [
  'ecdsa-sha256',
  'ecdsa-sha384',
  'rsa-pss-sha256',
  'rsa-pkcs1-sha256',
];

/** `legacy` marks what MXG recognises only to report: SHA-1, MD5, PKCS#1 v1.5 key transport, 3DES. */
export interface DigestAlgorithmInfo {
  readonly oid: string;
  readonly name?: DigestName | LegacyDigestName;
  readonly legacy: boolean;
}

export interface SignatureAlgorithmInfo {
  readonly oid: string;
  readonly family?: SignatureFamily;
  /** From the OID, the PSS parameters, or (for bare rsaEncryption) the SignerInfo digest. */
  readonly hash?: DigestAlgorithmInfo;
  readonly pss?: {
    readonly mgf1Hash: DigestAlgorithmInfo;
    readonly saltLength: number;
    readonly trailerField: number;
  };
  /** Set only when the algorithm is exactly one of MXG's schemes. */
  readonly scheme?: SignatureScheme;
  readonly legacy: boolean;
}

export interface KeyTransportInfo {
  readonly oid: string;
  readonly family?: KeyTransportFamily;
  readonly oaep?: {
    readonly hash: DigestAlgorithmInfo;
    readonly mgf1Hash: DigestAlgorithmInfo;
    readonly label: boolean;
  };
  readonly scheme?: KeyTransportScheme;
  readonly legacy: boolean;
}

export interface ContentEncryptionInfo {
  readonly oid: string;
  readonly name?: ContentEncryptionName;
  readonly legacy: boolean;
}

const DIGEST_BY_OID: Readonly<Record<string, DigestName | LegacyDigestName>> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
  [OID.sha1]: 'sha1',
  [OID.md5]: 'md5',
};
const DIGEST_OID: Readonly<Record<DigestName, string>> = {
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
};

const SIGNATURE_BY_OID: Readonly<Record<string, { family: SignatureFamily; hash?: string }>> = {
  [OID.ecdsaWithSha256]: { family: 'ecdsa', hash: OID.sha256 },
  [OID.ecdsaWithSha384]: { family: 'ecdsa', hash: OID.sha384 },
  [OID.ecdsaWithSha512]: { family: 'ecdsa', hash: OID.sha512 },
  [OID.ecdsaWithSha1]: { family: 'ecdsa', hash: OID.sha1 },
  [OID.sha256WithRSAEncryption]: { family: 'rsa-pkcs1', hash: OID.sha256 },
  [OID.sha384WithRSAEncryption]: { family: 'rsa-pkcs1', hash: OID.sha384 },
  [OID.sha512WithRSAEncryption]: { family: 'rsa-pkcs1', hash: OID.sha512 },
  [OID.sha1WithRSAEncryption]: { family: 'rsa-pkcs1', hash: OID.sha1 },
  [OID.md5WithRSAEncryption]: { family: 'rsa-pkcs1', hash: OID.md5 },
  // OpenSSL writes bare rsaEncryption in SignerInfo; the hash is the SignerInfo digest (RFC 3370 §3.2).
  [OID.rsaEncryption]: { family: 'rsa-pkcs1' },
  [OID.rsassaPss]: { family: 'rsa-pss' },
};

const CONTENT_ENCRYPTION_BY_OID: Readonly<Record<string, ContentEncryptionName>> = {
  [OID.aes256Cbc]: 'aes-256-cbc',
  [OID.aes128Cbc]: 'aes-128-cbc',
  [OID.desEde3Cbc]: 'des-ede3-cbc',
};

/** The content ciphers MXG will actually run when decrypting. */
export const DECRYPTABLE_CONTENT_ENCRYPTION: ReadonlySet<ContentEncryptionName> = new Set([
  'aes-256-cbc',
  'aes-128-cbc',
]);

export const SIGNATURE_SCHEME_PARAMS: Readonly<
  Record<SignatureScheme, { family: SignatureFamily; hash: DigestName }>
> = {
  'ecdsa-sha256': { family: 'ecdsa', hash: 'sha256' },
  'ecdsa-sha384': { family: 'ecdsa', hash: 'sha384' },
  'rsa-pss-sha256': { family: 'rsa-pss', hash: 'sha256' },
  'rsa-pkcs1-sha256': { family: 'rsa-pkcs1', hash: 'sha256' },
};

/** A salt as long as the hash, the usual choice (RFC 8017 §9.1); verifiers read it from the params. */
const PSS_SALT_LENGTH = 32;

// ---------------------------------------------------------------- reading

export function describeDigest(oid: string): DigestAlgorithmInfo {
  const name = DIGEST_BY_OID[oid];
  return { oid, name, legacy: name === 'sha1' || name === 'md5' };
}

/**
 * @param digestHint the SignerInfo digestAlgorithm, which supplies the hash when the signature
 *   algorithm is bare rsaEncryption.
 */
export function describeSignatureAlgorithm(
  algorithm: pkijs.AlgorithmIdentifier,
  digestHint?: DigestAlgorithmInfo,
): SignatureAlgorithmInfo {
  const oid = algorithm.algorithmId;
  const known = SIGNATURE_BY_OID[oid];
  if (!known) return { oid, legacy: false };
  if (known.family === 'rsa-pss') {
    const params = parseParams(algorithm, pkijs.RSASSAPSSParams, 'RSASSA-PSS');
    const hash = describeDigest(params.hashAlgorithm.algorithmId);
    const pss = {
      mgf1Hash: describeMgf1(params.maskGenAlgorithm),
      saltLength: params.saltLength,
      trailerField: params.trailerField,
    };
    const exact =
      hash.name === 'sha256' && pss.mgf1Hash.name === 'sha256' && pss.trailerField === 1;
    return {
      oid,
      family: 'rsa-pss',
      hash,
      pss,
      scheme: exact ? 'rsa-pss-sha256' : undefined,
      legacy: hash.legacy,
    };
  }
  const hash = known.hash ? describeDigest(known.hash) : digestHint;
  const candidate = `${known.family}-${hash?.name ?? ''}`;
  const scheme = SIGNATURE_SCHEMES.find((s) => s === candidate);
  return { oid, family: known.family, hash, scheme, legacy: hash?.legacy ?? false };
}

export function describeKeyTransport(algorithm: pkijs.AlgorithmIdentifier): KeyTransportInfo {
  const oid = algorithm.algorithmId;
  if (oid === OID.rsaEncryption) return { oid, family: 'rsa-pkcs1-v1_5', legacy: true };
  if (oid !== OID.rsaesOaep) return { oid, legacy: false };
  // RFC 8017 Appendix A.2.1: absent parameters mean SHA-1 / MGF1-SHA-1 / empty label.
  const params =
    algorithm.algorithmParams === undefined
      ? new pkijs.RSAESOAEPParams()
      : parseParams(algorithm, pkijs.RSAESOAEPParams, 'RSAES-OAEP');
  // pkijs fills an absent pSourceAlgorithm with SHA-1("") instead of the empty label, so only an
  // explicit [2] on the wire is read.
  const source = hasContextTag(algorithm.algorithmParams, 2) ? params.pSourceAlgorithm : undefined;
  const label =
    source !== undefined &&
    (source.algorithmId !== OID.pSpecified ||
      !(source.algorithmParams instanceof asn1js.OctetString) ||
      source.algorithmParams.valueBlock.valueHexView.byteLength > 0);
  const oaep = {
    hash: describeDigest(params.hashAlgorithm.algorithmId),
    mgf1Hash: describeMgf1(params.maskGenAlgorithm),
    label,
  };
  const exact = oaep.hash.name === 'sha256' && oaep.mgf1Hash.name === 'sha256' && !label;
  return {
    oid,
    family: 'rsa-oaep',
    oaep,
    scheme: exact ? 'rsa-oaep-sha256' : undefined,
    legacy: false,
  };
}

export function describeContentEncryption(
  algorithm: pkijs.AlgorithmIdentifier,
): ContentEncryptionInfo {
  return describeContentEncryptionOid(algorithm.algorithmId);
}

export function describeContentEncryptionOid(oid: string): ContentEncryptionInfo {
  const name = CONTENT_ENCRYPTION_BY_OID[oid];
  return { oid, name, legacy: name === 'des-ede3-cbc' };
}

function hasContextTag(params: unknown, tagNumber: number): boolean {
  return (
    params instanceof asn1js.Sequence &&
    params.valueBlock.value.some(
      (b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === tagNumber,
    )
  );
}

function describeMgf1(algorithm: pkijs.AlgorithmIdentifier): DigestAlgorithmInfo {
  if (algorithm.algorithmId !== OID.mgf1) return { oid: algorithm.algorithmId, legacy: false };
  const inner = parseParams(algorithm, pkijs.AlgorithmIdentifier, 'MGF1');
  return describeDigest(inner.algorithmId);
}

function parseParams<T>(
  algorithm: pkijs.AlgorithmIdentifier,
  Type: new (init: { schema: unknown }) => T,
  what: string,
): T {
  try {
    if (algorithm.algorithmParams === undefined) throw new Error('parameters absent');
    return new Type({ schema: algorithm.algorithmParams });
  } catch (error) {
    throw new CmsError('MALFORMED_CMS', `Invalid ${what} parameters`, { cause: String(error) });
  }
}

// ---------------------------------------------------------------- running (node:crypto / OpenSSL)

export interface NodeSignatureParams {
  readonly hash: string;
  readonly family: SignatureFamily;
  readonly saltLength?: number;
}

/** What node:crypto needs to verify `info`; refuses what it cannot express exactly. */
export function nodeSignatureParams(info: SignatureAlgorithmInfo): NodeSignatureParams {
  const hash = info.hash?.name;
  if (!info.family || !hash) {
    throw new CmsError('UNSUPPORTED_ALGORITHM', 'Unsupported signature algorithm', {
      oid: info.oid,
    });
  }
  if (info.pss) {
    // node:crypto ties the MGF1 hash to the message hash and only knows trailer 0xBC (RFC 8017 §9.1.1).
    if (info.pss.mgf1Hash.name !== hash || info.pss.trailerField !== 1) {
      throw new CmsError('UNSUPPORTED_ALGORITHM', 'Unsupported RSASSA-PSS parameters', {
        pss: info.pss,
      });
    }
    return { hash, family: info.family, saltLength: info.pss.saltLength };
  }
  return { hash, family: info.family };
}

/** The padding part of node's sign/verify key argument. */
export interface NodeKeyOptions {
  readonly padding?: number;
  readonly saltLength?: number;
  readonly dsaEncoding?: 'der';
}

export function nodeKeyOptions(params: NodeSignatureParams): NodeKeyOptions {
  switch (params.family) {
    case 'ecdsa':
      return { dsaEncoding: 'der' }; // CMS carries Ecdsa-Sig-Value DER (RFC 5753 §2.1.1)
    case 'rsa-pkcs1':
      return { padding: constants.RSA_PKCS1_PADDING };
    case 'rsa-pss':
      return { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength };
  }
}

// ---------------------------------------------------------------- writing

/** RFC 5754 §2: SHA-2 AlgorithmIdentifiers are generated with absent parameters. */
export const digestAlgorithmIdentifier = (name: DigestName): Uint8Array =>
  sequence(objectIdentifier(DIGEST_OID[name]));

/** Encodings mirror what OpenSSL 3 writes; RFC 4055 §2.1 has readers accept NULL and absent alike. */
export function signatureAlgorithmIdentifier(scheme: SignatureScheme): Uint8Array {
  switch (scheme) {
    case 'ecdsa-sha256':
      return sequence(objectIdentifier(OID.ecdsaWithSha256)); // RFC 5758 §3.2: no parameters
    case 'ecdsa-sha384':
      return sequence(objectIdentifier(OID.ecdsaWithSha384));
    case 'rsa-pkcs1-sha256':
      return sequence(objectIdentifier(OID.sha256WithRSAEncryption), NULL);
    case 'rsa-pss-sha256': {
      const sha256 = sequence(objectIdentifier(OID.sha256), NULL);
      return sequence(
        objectIdentifier(OID.rsassaPss),
        sequence(
          contextConstructed(0, sha256),
          contextConstructed(1, sequence(objectIdentifier(OID.mgf1), sha256)),
          contextConstructed(2, smallInteger(PSS_SALT_LENGTH)),
          // trailerField [3] DEFAULT 1 is omitted, as DER requires
        ),
      );
    }
  }
}

export function signingKeyOptions(scheme: SignatureScheme): NodeKeyOptions {
  const { family, hash } = SIGNATURE_SCHEME_PARAMS[scheme];
  return nodeKeyOptions({ family, hash, saltLength: PSS_SALT_LENGTH });
}

/** RSAES-OAEP with SHA-256 and MGF1-SHA-256, empty label (RFC 8017 Appendix A.2.1). */
export function keyTransportAlgorithmIdentifier(scheme: KeyTransportScheme): Uint8Array {
  switch (scheme) {
    case 'rsa-oaep-sha256': {
      const sha256 = sequence(objectIdentifier(OID.sha256));
      return sequence(
        objectIdentifier(OID.rsaesOaep),
        sequence(
          contextConstructed(0, sha256),
          contextConstructed(1, sequence(objectIdentifier(OID.mgf1), sha256)),
        ),
      );
    }
  }
}

/** RFC 3565 §4.1: the parameter is the 16-byte IV. */
export function contentEncryptionAlgorithmIdentifier(
  scheme: ContentEncryptionScheme,
  iv: Uint8Array,
): Uint8Array {
  switch (scheme) {
    case 'aes-256-cbc':
      return sequence(objectIdentifier(OID.aes256Cbc), octetString(iv));
  }
}
