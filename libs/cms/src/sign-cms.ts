import { createHash } from 'node:crypto';
import {
  OID,
  SIGNATURE_SCHEMES,
  SIGNATURE_SCHEME_PARAMS,
  digestAlgorithmIdentifier,
  signatureAlgorithmIdentifier,
  type SignatureScheme,
} from './cms-algorithms';
import {
  certificateDer,
  issuerAndSerialNumber,
  parseCertificate,
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
import { keyTypeFitsScheme, type CmsSigner } from './key-operations';
import { assertStrongKey } from './keys';

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
 * attributes are content-type, signing-time and message-digest (RFC 5652 §5.3, §11). The
 * signature itself is `signer`'s one operation; no private key passes through here.
 */
export async function signCms(
  content: Uint8Array,
  signer: CmsSigner,
  options: SignCmsOptions,
): Promise<Uint8Array> {
  const { certificate, signedAttributes } = prepare(content, signer, options);
  const signature = await signer.sign(signedAttributes, options.scheme);
  return assemble(content, signer, options, certificate, signedAttributes, signature);
}

/** Checks the request and builds the signed attributes, in DER order (setOf sorts them). */
function prepare(
  content: Uint8Array,
  signer: CmsSigner,
  options: SignCmsOptions,
): { certificate: ParsedCertificate; signedAttributes: Uint8Array } {
  const { scheme, signingTime, contentType = OID.data } = options;
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
  // Judged on the certificate's public key: the private key may be out of reach (a token).
  const publicKey = certificate.x509.publicKey;
  if (!keyTypeFitsScheme(publicKey.asymmetricKeyType, scheme)) {
    throw new CmsError(
      'UNSUPPORTED_ALGORITHM',
      `A ${publicKey.asymmetricKeyType ?? 'unknown'} key cannot sign ${scheme}`,
    );
  }
  assertStrongKey(publicKey, 'Signer');
  const { hash } = SIGNATURE_SCHEME_PARAMS[scheme];
  const signedAttributes = setOf(
    attribute(OID.contentTypeAttribute, objectIdentifier(contentType)),
    attribute(OID.signingTimeAttribute, time(signingTime)),
    attribute(OID.messageDigestAttribute, octetString(createHash(hash).update(content).digest())),
    ...extra.map((a) => attribute(a.type, a.value)),
  );
  return { certificate, signedAttributes };
}

function assemble(
  content: Uint8Array,
  signer: CmsSigner,
  options: SignCmsOptions,
  certificate: ParsedCertificate,
  signedAttributes: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  const { scheme, detached = false, contentType = OID.data } = options;
  const { hash } = SIGNATURE_SCHEME_PARAMS[scheme];
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
