import { createHash, sign, type KeyObject } from 'node:crypto';
import {
  OID,
  SIGNATURE_SCHEMES,
  SIGNATURE_SCHEME_PARAMS,
  digestAlgorithmIdentifier,
  signatureAlgorithmIdentifier,
  signingKeyOptions,
  type SignatureScheme,
} from './cms-algorithms';
import {
  certificateDer,
  issuerAndSerialNumber,
  parseCertificate,
  type CertificateInput,
  type ParsedCertificate,
} from './certificate';
import { CmsError } from './cms.errors';
import { wrapContentInfo } from './content-info';
import {
  compareDer,
  contextConstructed,
  objectIdentifier,
  octetString,
  sequence,
  setOf,
  smallInteger,
  time,
} from './der';
import { assertStrongKey, toPrivateKeyObject, type PrivateKeyInput } from './keys';

export interface CmsSignerCredentials {
  readonly certificate: CertificateInput;
  readonly privateKey: PrivateKeyInput;
  /** Intermediates (and, if wanted, the root) to carry alongside the signer certificate. */
  readonly chain?: readonly CertificateInput[];
}

export interface SignCmsOptions {
  readonly scheme: SignatureScheme;
  /** Taken from the caller's clock, never from here, so tests and audits see one time. */
  readonly signingTime: Date;
  /** Leave eContent out (RFC 5652 §5.2); the verifier must be given the content. */
  readonly detached?: boolean;
  /** eContentType; defaults to id-data. */
  readonly contentType?: string;
  /**
   * Further signed attributes (RFC 5652 §5.3 allows any): each a type OID and the DER of its
   * single value. They are covered by the signature like the standard ones.
   */
  readonly extraAttributes?: readonly SignedAttribute[];
}

export interface SignedAttribute {
  readonly type: string;
  /** DER of the attribute's one AttributeValue. */
  readonly value: Uint8Array;
}

const STANDARD_ATTRIBUTES: readonly string[] = [
  OID.contentTypeAttribute,
  OID.signingTimeAttribute,
  OID.messageDigestAttribute,
];

/**
 * ContentInfo(SignedData) with one SignerInfo, addressed by issuerAndSerialNumber, whose signed
 * attributes are content-type, signing-time and message-digest (RFC 5652 §5.3, §11).
 */
export function signCms(
  content: Uint8Array,
  signer: CmsSignerCredentials,
  options: SignCmsOptions,
): Promise<Uint8Array> {
  // A promise so that an HSM-backed implementation can replace this without touching callers.
  return new Promise((resolve) => resolve(buildSignedData(content, signer, options)));
}

function buildSignedData(
  content: Uint8Array,
  signer: CmsSignerCredentials,
  options: SignCmsOptions,
): Uint8Array {
  const { scheme, signingTime, detached = false, contentType = OID.data } = options;
  const extra = options.extraAttributes ?? [];
  const extraTypes = extra.map((a) => a.type);
  if (extraTypes.some((t, i) => STANDARD_ATTRIBUTES.includes(t) || extraTypes.indexOf(t) !== i)) {
    throw new TypeError('extraAttributes must not repeat an attribute type or a standard one');
  }
  if (!SIGNATURE_SCHEMES.includes(scheme)) {
    throw new CmsError('UNSUPPORTED_ALGORITHM', 'Unsupported signature scheme', { scheme });
  }
  if (Number.isNaN(signingTime.getTime())) {
    throw new TypeError('signingTime is not a valid date');
  }
  const certificate = parseCertificate(signer.certificate);
  const privateKey = toPrivateKeyObject(signer.privateKey);
  assertKeyFitsScheme(privateKey, scheme);
  assertKeyBelongs(signer.privateKey, privateKey, certificate);
  const { hash } = SIGNATURE_SCHEME_PARAMS[scheme];

  // Sorted by setOf into DER order; the same bytes are signed and then re-tagged [0] below.
  const signedAttributes = setOf(
    attribute(OID.contentTypeAttribute, objectIdentifier(contentType)),
    attribute(OID.signingTimeAttribute, time(signingTime)),
    attribute(OID.messageDigestAttribute, octetString(createHash(hash).update(content).digest())),
    ...extra.map((a) => attribute(a.type, a.value)),
  );
  const signature = signSync(hash, signedAttributes, {
    key: privateKey,
    ...signingKeyOptions(scheme),
  });

  // The same bytes re-tagged: signedAttrs [0] IMPLICIT (RFC 5652 §5.3).
  const taggedAttributes = Uint8Array.from(signedAttributes);
  taggedAttributes[0] = 0xa0;
  const signerInfo = sequence(
    smallInteger(1), // v1: sid is issuerAndSerialNumber (RFC 5652 §5.3)
    issuerAndSerialNumber(certificate),
    digestAlgorithmIdentifier(hash),
    taggedAttributes,
    signatureAlgorithmIdentifier(scheme),
    octetString(signature),
  );
  const certificates =
    signer.chain === undefined || signer.chain.length === 0
      ? [certificate.der]
      : uniqueDer([certificate.der, ...signer.chain.map(certificateDer)]);
  const signedData = sequence(
    smallInteger(contentType === OID.data ? 1 : 3), // RFC 5652 §5.1
    setOf(digestAlgorithmIdentifier(hash)),
    sequence(
      objectIdentifier(contentType),
      ...(detached ? [] : [contextConstructed(0, octetString(content))]),
    ),
    contextConstructed(0, ...certificates), // certificates [0] IMPLICIT SET OF, sorted by uniqueDer
    setOf(signerInfo),
  );
  return wrapContentInfo(OID.signedData, signedData);
}

function attribute(type: string, value: Uint8Array): Uint8Array {
  return sequence(objectIdentifier(type), setOf(value));
}

function uniqueDer(certificates: readonly Uint8Array[]): Uint8Array[] {
  const sorted = [...certificates].sort(compareDer);
  return sorted.filter((c, i) => i === 0 || compareDer(sorted[i - 1], c) !== 0);
}

/**
 * Key/certificate pairs already found to belong together. Both sides are immutable (a KeyObject
 * or CryptoKey; a certificate parsed once per distinct DER), so a pair that matched once always
 * will; only matches are remembered, and any other key or certificate is checked afresh.
 */
const matchingKeys = new WeakMap<PrivateKeyInput, WeakSet<ParsedCertificate>>();

function assertKeyBelongs(
  input: PrivateKeyInput,
  privateKey: KeyObject,
  certificate: ParsedCertificate,
): void {
  let certificates = matchingKeys.get(input);
  if (certificates?.has(certificate)) return;
  if (!certificate.x509.checkPrivateKey(privateKey)) {
    throw new CmsError(
      'SIGNER_KEY_MISMATCH',
      'Private key does not belong to the signer certificate',
    );
  }
  if (!certificates) {
    certificates = new WeakSet();
    matchingKeys.set(input, certificates);
  }
  certificates.add(certificate);
}

function assertKeyFitsScheme(key: KeyObject, scheme: SignatureScheme): void {
  const { family } = SIGNATURE_SCHEME_PARAMS[scheme];
  const type = key.asymmetricKeyType;
  const fits =
    family === 'ecdsa'
      ? type === 'ec'
      : type === 'rsa' || (family === 'rsa-pss' && type === 'rsa-pss');
  if (!fits) {
    throw new CmsError('UNSUPPORTED_ALGORITHM', `A ${type ?? 'unknown'} key cannot sign ${scheme}`);
  }
  assertStrongKey(key, 'Signer');
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
function signSync(hash: string, data: Uint8Array, key: Parameters<typeof sign>[2]): Buffer {
  return sign(hash, data, key);
}
