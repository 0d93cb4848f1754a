import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, describeDigest, describeSignatureAlgorithm } from './cms-algorithms';
import { certificateFromDer, rawIdentifier } from './certificate';
import { CmsError } from './cms.errors';
import { cmsShapeViolation } from './cms-shape';
import { hasDerLengths } from './der-reader';
import { readCmsTime } from './cms-time';
import { decodeContentInfo, octetStringValue } from './content-info';
import {
  fastDecodeSignedData,
  signerFrom,
  type CarriedCertificate,
  type SignerAttributes,
} from './fast-signed-data';
import type { DecodedSignedData, DecodedSigner, SignedDataInfo } from './signed-data.types';

export type {
  DecodedSignedData,
  DecodedSigner,
  SignedDataInfo,
  SignerReport,
} from './signed-data.types';

export function parseSignedData(der: Uint8Array): SignedDataInfo {
  return decodeSignedData(der).info;
}

/**
 * One decode per buffer: opening an envelope reads the same SignedData for its routing header,
 * its algorithms and its signature. The bytes are kept and compared, so a buffer changed in
 * between is decoded afresh. Failures are not remembered.
 */
const decodedBuffers = new WeakMap<
  Uint8Array,
  { readonly bytes: Buffer; readonly decoded: DecodedSignedData }
>();

export function decodeSignedData(der: Uint8Array): DecodedSignedData {
  const remembered = decodedBuffers.get(der);
  if (remembered && remembered.bytes.equals(der)) return remembered.decoded;
  const decoded = fastDecodeSignedData(der) ?? generalDecodeSignedData(der);
  decodedBuffers.set(der, { bytes: Buffer.from(der), decoded });
  return decoded;
}

/** The general (BER) decoder: asn1js and pkijs. */
export function generalDecodeSignedData(der: Uint8Array): DecodedSignedData {
  return decodeContentInfo(der, OID.signedData, 'CMS SignedData', (content) => {
    const shape = cmsShapeViolation(content, 'signedData');
    if (shape) throw new Error(shape);
    const signedData = new pkijs.SignedData({ schema: content });
    const { eContentType, eContent } = signedData.encapContentInfo;
    const carried = carriedCertificates(content, signedData);
    const certificates = carried.map((c) => c.parsed);
    const signers = signedData.signerInfos.map((signerInfo) => decodeSigner(signerInfo, carried));
    const info: SignedDataInfo = {
      version: signedData.version,
      contentType: eContentType,
      encapsulatedContent: eContent === undefined ? undefined : octetStringValue(eContent),
      certificates: carried.map((c) => c.der),
      signers: signers.map((s) => s.report),
    };
    return { info, signers, certificates };
  });
}

/**
 * X.509 certificates from `certificates [0]`, byte-for-byte as received (pkijs would re-encode
 * them), paired with pkijs's decoding; both lists keep the SET's order and skip the other
 * CertificateChoices (attribute certificates, other formats).
 */
function carriedCertificates(
  signedDataBlock: asn1js.BaseBlock,
  signedData: pkijs.SignedData,
): CarriedCertificate[] {
  const fields = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const children =
    signedDataBlock instanceof asn1js.Sequence ? signedDataBlock.valueBlock.value : [];
  const certificateSet = children.find(
    (b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0,
  );
  const raw =
    certificateSet instanceof asn1js.Constructed
      ? certificateSet.valueBlock.value.filter((b) => b.idBlock.tagClass === 1)
      : [];
  if (raw.length !== fields.length) throw new Error('certificate set does not decode consistently');
  return raw.map((block, i) => {
    const der = block.valueBeforeDecodeView;
    try {
      return { der, parsed: certificateFromDer(der, undefined, fields[i]) };
    } catch (error) {
      // A carried certificate OpenSSL cannot read makes the SignedData malformed, not the caller's.
      throw new Error(`carried certificate ${i}: ${String(error)}`);
    }
  });
}

function decodeSigner(
  signerInfo: pkijs.SignerInfo,
  certificates: readonly CarriedCertificate[],
): DecodedSigner {
  const sid = rawIdentifier(signerInfo.sid as pkijs.IssuerAndSerialNumber | asn1js.BaseBlock);
  const digestAlgorithm = describeDigest(signerInfo.digestAlgorithm.algorithmId);
  const signedAttributes =
    signerInfo.signedAttrs && new Uint8Array(signerInfo.signedAttrs.encodedValue);
  if (signedAttributes && !hasDerLengths(signedAttributes)) {
    throw new CmsError('MALFORMED_CMS', 'Signed attributes are not DER-encoded', {
      rule: 'RFC 5652 §5.3',
    });
  }
  const attributes = signerInfo.signedAttrs
    ? readSignedAttributes(signerInfo.signedAttrs.attributes)
    : {};
  return signerFrom(
    sid,
    digestAlgorithm,
    describeSignatureAlgorithm(signerInfo.signatureAlgorithm, digestAlgorithm),
    attributes,
    certificates,
    signedAttributes,
    signerInfo.signature.valueBlock.valueHexView,
  );
}

/** RFC 5652 §11: each of these attributes occurs at most once and holds exactly one value. */
function readSignedAttributes(attributes: readonly pkijs.Attribute[]): SignerAttributes {
  const single = (type: string, required: boolean): unknown => {
    const found = attributes.filter((a) => a.type === type);
    if (found.length === 0 && !required) return undefined;
    if (found.length !== 1 || found[0].values.length !== 1) {
      throw new CmsError(
        'MALFORMED_CMS',
        `Signed attribute ${type} must occur once with one value`,
      );
    }
    return found[0].values[0];
  };
  const contentType = single(OID.contentTypeAttribute, true);
  const signingTime = single(OID.signingTimeAttribute, false);
  if (!(contentType instanceof asn1js.ObjectIdentifier)) {
    throw new Error('content-type is not an OID');
  }
  // asn1js's GeneralizedTime is a subclass of its UTCTime: one instanceof covers both.
  if (signingTime !== undefined && !(signingTime instanceof asn1js.UTCTime)) {
    throw new Error('signing-time is not a Time');
  }
  const signingDate =
    signingTime &&
    readCmsTime(signingTime.valueBlock.valueHexView, signingTime instanceof asn1js.GeneralizedTime);
  if (signingTime && !signingDate) {
    throw new CmsError('MALFORMED_CMS', 'Signed attribute signing-time is not a valid time', {
      rule: 'RFC 5652 §11.3',
    });
  }
  const standard: readonly string[] = [
    OID.contentTypeAttribute,
    OID.signingTimeAttribute,
    OID.messageDigestAttribute,
  ];
  const otherAttributes = new Map<string, Uint8Array[]>();
  for (const a of attributes.filter((a) => !standard.includes(a.type))) {
    const type = dottedOid(a.type);
    if (otherAttributes.has(type)) {
      throw new CmsError('MALFORMED_CMS', `Signed attribute ${type} occurs more than once`);
    }
    otherAttributes.set(
      type,
      a.values.map((v: asn1js.AsnType) => new Uint8Array(v.toBER(false))),
    );
  }
  return {
    otherAttributes,
    contentTypeAttribute: contentType.valueBlock.toString(),
    messageDigest: octetStringValue(single(OID.messageDigestAttribute, true)),
    signingTime: signingDate,
  };
}

/**
 * asn1js prints an arc too large for a JavaScript number as `{hex}` of its 7-bit groups;
 * UUID-based OIDs (`2.25.<128-bit>`, ITU-T X.667) have such arcs. Back to plain decimal.
 */
export function dottedOid(oid: string): string {
  return oid.replace(/\{([0-9a-f]+)\}/gi, (_match, hex: string) => {
    let value = 0n;
    for (let i = 0; i < hex.length; i += 2)
      value = value * 128n + BigInt(parseInt(hex.slice(i, i + 2), 16));
    return value.toString();
  });
}
