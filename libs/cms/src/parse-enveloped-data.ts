import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  OID,
  describeContentEncryption,
  describeContentEncryptionOid,
  describeKeyTransport,
  type ContentEncryptionInfo,
  type KeyTransportInfo,
} from './cms-algorithms';
import {
  cmsIdentifier,
  describeIdentifier,
  rawIdentifier,
  type CertificateIdentifier,
  type RawIdentifier,
} from './certificate';
import { berViolation } from './ber-validity';
import { cmsShapeViolation } from './cms-shape';
import { decodeContentInfo } from './content-info';
import {
  children,
  contentInfoContent,
  contents,
  decline,
  expectTag,
  oidValue,
  smallIntegerValue,
  TAG,
  whole,
} from './der-reader';
import { bytesKey, LruCache } from './lru-cache';

export type RecipientReport =
  | {
      readonly type: 'keyTransport';
      readonly rid: CertificateIdentifier;
      readonly keyTransport: KeyTransportInfo;
    }
  /** kari, kekri, pwri, ori: recognised, never decrypted by MXG. */
  | { readonly type: 'keyAgreement' | 'kek' | 'password' | 'other' };

export interface EnvelopedDataInfo {
  readonly version: number;
  readonly recipients: readonly RecipientReport[];
  readonly contentType: string;
  readonly contentEncryption: ContentEncryptionInfo;
}

export interface DecodedKeyTransport {
  readonly rid: RawIdentifier;
  readonly keyTransport: KeyTransportInfo;
  readonly encryptedKey: Uint8Array;
}

export interface DecodedEnvelopedData {
  readonly info: EnvelopedDataInfo;
  readonly keyTransports: readonly DecodedKeyTransport[];
  /** Empty when the ciphertext is not carried (RFC 5652 §6.1 allows that; MXG cannot use it). */
  readonly encryptedContent: Uint8Array;
  /** The CBC IV, when the content-encryption parameters are an OCTET STRING. */
  readonly iv?: Uint8Array;
}

/** pkijs RecipientInfo.variant: 1 ktri, 2 kari, 3 kekri, 4 pwri, 5 ori (RFC 5652 §6.2). */
const OTHER_RECIPIENT_TYPES: Readonly<Record<number, 'keyAgreement' | 'kek' | 'password'>> = {
  2: 'keyAgreement',
  3: 'kek',
  4: 'password',
};

export function parseEnvelopedData(der: Uint8Array): EnvelopedDataInfo {
  return decodeEnvelopedData(der).info;
}

/** One decode per buffer, as for SignedData: the policy check and the decryption share it. */
const decodedBuffers = new WeakMap<
  Uint8Array,
  { readonly bytes: Buffer; readonly decoded: DecodedEnvelopedData }
>();

export function decodeEnvelopedData(der: Uint8Array): DecodedEnvelopedData {
  const remembered = decodedBuffers.get(der);
  if (remembered && remembered.bytes.equals(der)) return remembered.decoded;
  const decoded = fastDecodeEnvelopedData(der) ?? generalDecodeEnvelopedData(der);
  decodedBuffers.set(der, { bytes: Buffer.from(der), decoded });
  return decoded;
}

/** The general (BER) decoder: asn1js and pkijs. */
export function generalDecodeEnvelopedData(der: Uint8Array): DecodedEnvelopedData {
  return decodeContentInfo(der, OID.envelopedData, 'CMS EnvelopedData', (content) => {
    const shape = cmsShapeViolation(content, 'envelopedData');
    if (shape) throw new Error(shape);
    const envelopedData = new pkijs.EnvelopedData({ schema: content });
    const keyTransports: DecodedKeyTransport[] = [];
    const recipients = envelopedData.recipientInfos.map((recipientInfo): RecipientReport => {
      const value = recipientInfo.value;
      if (recipientInfo.variant !== 1 || !(value instanceof pkijs.KeyTransRecipientInfo)) {
        return { type: OTHER_RECIPIENT_TYPES[recipientInfo.variant] ?? 'other' };
      }
      const rid = rawIdentifier(value.rid);
      const keyTransport = describeKeyTransport(value.keyEncryptionAlgorithm);
      keyTransports.push({
        rid,
        keyTransport,
        encryptedKey: value.encryptedKey.valueBlock.valueHexView,
      });
      return { type: 'keyTransport', rid: describeIdentifier(rid), keyTransport };
    });
    const encryptedContentInfo = envelopedData.encryptedContentInfo;
    const { contentType, contentEncryptionAlgorithm } = encryptedContentInfo;
    const ivParam: unknown = contentEncryptionAlgorithm.algorithmParams;
    return {
      info: {
        version: envelopedData.version,
        recipients,
        contentType,
        contentEncryption: describeContentEncryption(contentEncryptionAlgorithm),
      },
      keyTransports,
      encryptedContent: encryptedContentInfo.encryptedContent
        ? new Uint8Array(encryptedContentInfo.getEncryptedContent())
        : new Uint8Array(0),
      iv: ivParam instanceof asn1js.OctetString ? ivParam.valueBlock.valueHexView : undefined,
    };
  });
}

/**
 * EnvelopedData as MXG and OpenSSL write it for key transport — DER, KeyTransRecipientInfos
 * only, a primitive [0] ciphertext, no originator info or attributes — by a direct DER walk.
 * Gives what the general decoder gives, or undefined (anything else, any doubt) so that it
 * decides.
 */
export function fastDecodeEnvelopedData(der: Uint8Array): DecodedEnvelopedData | undefined {
  if (berViolation(der)) return undefined;
  try {
    return fastDecode(der);
  } catch {
    return undefined;
  }
}

function fastDecode(der: Uint8Array): DecodedEnvelopedData {
  const envelopedData = contentInfoContent(der, OID.envelopedData, 'EnvelopedData');
  const parts = children(der, envelopedData);
  if (parts.length !== 3) decline('originatorInfo or unprotectedAttrs');
  const [versionTlv, recipientInfos, encryptedContentInfo] = parts;
  const version = smallIntegerValue(der, versionTlv);

  const recipients = children(der, expectTag(recipientInfos, TAG.set));
  // RFC 5652 §6.1: RecipientInfos ::= SET SIZE (1..MAX); pkijs refuses an empty one.
  if (recipients.length === 0) decline('no RecipientInfo');
  const keyTransports = recipients.map((tlv): DecodedKeyTransport => {
    const fields = children(der, expectTag(tlv, TAG.sequence));
    if (fields.length !== 4) decline('not a KeyTransRecipientInfo');
    const [ktriVersion, ridTlv, algorithmTlv, encryptedKey] = fields;
    smallIntegerValue(der, ktriVersion);
    // algorithm and optional parameters; pkijs would ignore a third element
    if (children(der, expectTag(algorithmTlv, TAG.sequence)).length > 2) {
      decline('key transport AlgorithmIdentifier with extra elements');
    }
    return {
      rid: cmsIdentifier(der, ridTlv),
      keyTransport: keyTransport(whole(der, expectTag(algorithmTlv, TAG.sequence))),
      encryptedKey: contents(der, expectTag(encryptedKey, TAG.octetString)),
    };
  });

  const [contentTypeTlv, algorithmTlv, ciphertext, ...rest] = children(
    der,
    expectTag(encryptedContentInfo, TAG.sequence),
  );
  if (rest.length > 0) decline('EncryptedContentInfo has extra elements');
  const [cipherOid, ivTlv, ...extraParams] = children(der, expectTag(algorithmTlv, TAG.sequence));
  if (extraParams.length > 0 || (ivTlv !== undefined && ivTlv.tag !== TAG.octetString)) {
    decline('content-encryption parameters other than an IV');
  }
  // encryptedContent is OPTIONAL in RFC 5652 §6.1, but pkijs refuses EnvelopedData without it:
  // this path steps aside, so that both decoders give the same answer.
  expectTag(ciphertext, TAG.context0Primitive);
  return {
    info: {
      version,
      recipients: keyTransports.map((k) => ({
        type: 'keyTransport',
        rid: describeIdentifier(k.rid),
        keyTransport: k.keyTransport,
      })),
      contentType: oidValue(der, contentTypeTlv),
      contentEncryption: describeContentEncryptionOid(oidValue(der, cipherOid)),
    },
    keyTransports,
    encryptedContent: contents(der, ciphertext).slice(),
    iv: ivTlv && contents(der, ivTlv),
  };
}

/** Key-transport AlgorithmIdentifiers repeat: described by pkijs once per distinct encoding. */
const keyTransports = new LruCache<string, KeyTransportInfo>(64);

function keyTransport(bytes: Uint8Array): KeyTransportInfo {
  const key = bytesKey(bytes);
  let info = keyTransports.get(key);
  if (!info) {
    const asn1 = asn1js.fromBER(bytes);
    if (asn1.offset !== bytes.byteLength) decline('key transport algorithm');
    info = describeKeyTransport(new pkijs.AlgorithmIdentifier({ schema: asn1.result }));
    keyTransports.set(key, info);
  }
  return info;
}
