import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  OID,
  describeDigest,
  describeSignatureAlgorithm,
  type DigestAlgorithmInfo,
  type SignatureAlgorithmInfo,
} from './cms-algorithms';
import {
  certificateFromDer,
  cmsIdentifier,
  describeIdentifier,
  matchesIdentifier,
  type ParsedCertificate,
  type RawIdentifier,
} from './certificate';
import {
  children,
  contentInfoContent,
  contents,
  decline,
  expectTag,
  hasDerLengths,
  oidValue,
  only,
  smallIntegerValue,
  TAG,
  utcTimeValue,
  whole,
  type Tlv,
} from './der-reader';
import { berViolation } from './ber-validity';
import { bytesKey, LruCache } from './lru-cache';
import { describePublicKey } from './keys';
import type { DecodedSignedData, DecodedSigner, SignedDataInfo } from './signed-data.types';

/**
 * SignedData as MXG and OpenSSL write it — DER, one OCTET STRING of content, X.509
 * certificates, no CRLs, no unsigned attributes — read with a direct DER walk instead of
 * asn1js's generic tree and pkijs's schema matching, which cost milliseconds per envelope.
 * The result is the one `generalDecodeSignedData` would give. Anything else (BER, indefinite
 * lengths, constructed strings, unusual attributes, any doubt at all) returns undefined and
 * the general decoder decides, errors included.
 */
export function fastDecodeSignedData(der: Uint8Array): DecodedSignedData | undefined {
  // DER structure alone is not enough: contents (a padded serial number, NULL parameters with
  // contents) must be what the general decoder accepts too.
  if (berViolation(der)) return undefined;
  try {
    return decode(der);
  } catch {
    return undefined;
  }
}

function decode(der: Uint8Array): DecodedSignedData {
  const signedData = contentInfoContent(der, OID.signedData, 'SignedData');

  const parts = children(der, signedData);
  let next = 0;
  const version = smallIntegerValue(der, parts[next++]);
  for (const algorithm of children(der, expectTag(parts[next++], TAG.set))) {
    digestAlgorithm(der, algorithm);
  }
  const [contentType, encapsulatedContent] = encapContentInfo(der, parts[next++]);
  let certificates: CarriedCertificate[] = [];
  if (parts[next]?.tag === TAG.context0) {
    certificates = children(der, parts[next++]).map((tlv) => {
      const bytes = whole(der, expectTag(tlv, TAG.sequence));
      return { der: bytes, parsed: certificateFromDer(bytes) };
    });
  }
  const signerInfos = expectTag(parts[next++], TAG.set);
  if (next !== parts.length) decline('CRLs or trailing elements');

  const signers = children(der, signerInfos).map((tlv) => signerInfo(der, tlv, certificates));
  const info: SignedDataInfo = {
    version,
    contentType,
    encapsulatedContent,
    certificates: certificates.map((c) => c.der),
    signers: signers.map((s) => s.report),
  };
  return { info, signers, certificates: certificates.map((c) => c.parsed) };
}

function encapContentInfo(der: Uint8Array, tlv: Tlv | undefined): [string, Uint8Array?] {
  const [type, explicit, ...extra] = children(der, expectTag(tlv, TAG.sequence));
  if (extra.length > 0) decline('encapContentInfo has extra elements');
  const contentType = oidValue(der, type);
  if (explicit === undefined) return [contentType];
  expectTag(explicit, TAG.context0);
  const octets = expectTag(only(der, explicit.contentStart, explicit.end), TAG.octetString);
  return [contentType, contents(der, octets).slice()];
}

/** SEQUENCE { OID, NULL OPTIONAL }: the only digest AlgorithmIdentifiers taken here. */
function digestAlgorithm(der: Uint8Array, tlv: Tlv | undefined): DigestAlgorithmInfo {
  const [oid, params, ...extra] = children(der, expectTag(tlv, TAG.sequence));
  if (extra.length > 0 || (params !== undefined && !isNull(params))) {
    decline('digest algorithm parameters');
  }
  return describeDigest(oidValue(der, oid));
}

const isNull = (tlv: Tlv): boolean => tlv.tag === TAG.null && tlv.end === tlv.contentStart;

function signerInfo(
  der: Uint8Array,
  tlv: Tlv,
  certificates: readonly CarriedCertificate[],
): DecodedSigner {
  const parts = children(der, expectTag(tlv, TAG.sequence));
  if (parts.length !== 6) decline('SignerInfo without signed attributes, or with unsigned ones');
  const [version, sidTlv, digestTlv, attributesTlv, signatureAlgorithmTlv, signatureTlv] = parts;
  smallIntegerValue(der, version);
  const sid = cmsIdentifier(der, sidTlv);
  const digest = digestAlgorithm(der, digestTlv);
  expectTag(attributesTlv, TAG.context0);
  const attributes = signedAttributes(der, attributesTlv);
  // The signed bytes are the attributes with the SET OF tag (RFC 5652 §5.4).
  const signed = whole(der, attributesTlv).slice();
  signed[0] = TAG.set;
  if (!hasDerLengths(signed)) decline('signed attributes without DER lengths');
  expectTag(signatureTlv, TAG.octetString);
  // RFC 5280 §4.1.1.2: algorithm and optional parameters; pkijs would ignore a third element
  if (children(der, expectTag(signatureAlgorithmTlv, TAG.sequence)).length > 2) {
    decline('signature AlgorithmIdentifier with extra elements');
  }
  return signerFrom(
    sid,
    digest,
    signatureAlgorithm(whole(der, expectTag(signatureAlgorithmTlv, TAG.sequence)), digest),
    attributes,
    certificates,
    signed,
    contents(der, signatureTlv),
  );
}

/**
 * Signature AlgorithmIdentifiers repeat from message to message: described by pkijs once per
 * distinct encoding (and digest, which bare rsaEncryption takes its hash from).
 */
const signatureAlgorithms = new LruCache<string, SignatureAlgorithmInfo>(64);

function signatureAlgorithm(
  bytes: Uint8Array,
  digest: DigestAlgorithmInfo,
): SignatureAlgorithmInfo {
  const key = `${digest.oid} ${bytesKey(bytes)}`;
  let info = signatureAlgorithms.get(key);
  if (!info) {
    const asn1 = asn1js.fromBER(bytes);
    if (asn1.offset !== bytes.byteLength) decline('signature algorithm');
    info = describeSignatureAlgorithm(
      new pkijs.AlgorithmIdentifier({ schema: asn1.result }),
      digest,
    );
    signatureAlgorithms.set(key, info);
  }
  return info;
}

const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set([
  OID.contentTypeAttribute,
  OID.signingTimeAttribute,
  OID.messageDigestAttribute,
]);

/** The same reading as `readSignedAttributes`; whatever it would refuse declines here. */
function signedAttributes(der: Uint8Array, tlv: Tlv): SignerAttributes {
  let contentType: string | undefined;
  let messageDigest: Uint8Array | undefined;
  let signingTime: Date | undefined;
  const seen = new Set<string>();
  const otherAttributes = new Map<string, Uint8Array[]>();
  for (const attribute of children(der, tlv)) {
    const [typeTlv, valuesTlv, ...extra] = children(der, expectTag(attribute, TAG.sequence));
    if (extra.length > 0) decline('attribute with extra elements');
    const values = children(der, expectTag(valuesTlv, TAG.set));
    const type = oidValue(der, typeTlv, true);
    if (seen.has(type)) decline('repeated attribute');
    seen.add(type);
    if (STANDARD_ATTRIBUTES.has(type)) {
      if (values.length !== 1) decline('standard attribute without exactly one value');
      const [value] = values;
      if (type === OID.contentTypeAttribute) contentType = oidValue(der, value);
      else if (type === OID.signingTimeAttribute) signingTime = utcTimeValue(der, value);
      else messageDigest = contents(der, expectTag(value, TAG.octetString)).slice();
    } else {
      otherAttributes.set(
        type,
        values.map((value) => reencodable(whole(der, value))),
      );
    }
  }
  if (contentType === undefined || messageDigest === undefined) decline('required attribute');
  return { otherAttributes, contentTypeAttribute: contentType, messageDigest, signingTime };
}

/**
 * The general decoder reports other attributes' values as asn1js re-encodes them; take the
 * bytes as received only where that re-encoding gives the same bytes.
 *
 * A primitive UTF8String (MXG's routing header) always does: asn1js keeps a string's contents
 * octets as received and writes them back behind the same one-byte tag and the minimal length,
 * which is the only length form `readTlv` lets through. So it is not decoded and re-encoded.
 */
function reencodable(value: Uint8Array): Uint8Array {
  if (value[0] === TAG.utf8String) return value.slice();
  const asn1 = asn1js.fromBER(value);
  if (asn1.offset !== value.byteLength) decline('attribute value');
  if (!Buffer.from(asn1.result.toBER(false)).equals(value)) decline('attribute value re-encodes');
  return value.slice();
}

/** A carried certificate: its bytes as received, and its parsed (cached) form. */
export interface CarriedCertificate {
  readonly der: Uint8Array;
  readonly parsed: ParsedCertificate;
}

/** What both decoders read from a SignerInfo's signed attributes. */
export interface SignerAttributes {
  readonly otherAttributes?: ReadonlyMap<string, readonly Uint8Array[]>;
  readonly contentTypeAttribute?: string;
  readonly messageDigest?: Uint8Array;
  readonly signingTime?: Date;
}

export function signerFrom(
  sid: RawIdentifier,
  digestAlgorithm: DigestAlgorithmInfo,
  signatureAlgorithm: SignatureAlgorithmInfo,
  attributes: SignerAttributes,
  certificates: readonly CarriedCertificate[],
  signedAttributes: Uint8Array | undefined,
  signature: Uint8Array,
): DecodedSigner {
  const carried = certificates.find((c) => matchesIdentifier(c.parsed, sid));
  return {
    report: {
      sid: describeIdentifier(sid),
      digestAlgorithm,
      signatureAlgorithm,
      ...attributes,
      certificate: carried?.der,
      publicKey: carried && describePublicKey(carried.parsed.x509.publicKey),
    },
    sid,
    signedAttributes,
    signature,
  };
}
