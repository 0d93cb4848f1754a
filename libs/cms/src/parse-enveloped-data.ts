import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  OID,
  describeContentEncryption,
  describeKeyTransport,
  type ContentEncryptionInfo,
  type KeyTransportInfo,
} from './cms-algorithms';
import { describeIdentifier, type CertificateIdentifier, type RawIdentifier } from './certificate';
import { decodeContentInfo } from './content-info';

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

export function decodeEnvelopedData(der: Uint8Array): DecodedEnvelopedData {
  return decodeContentInfo(der, OID.envelopedData, 'CMS EnvelopedData', (content) => {
    const envelopedData = new pkijs.EnvelopedData({ schema: content });
    const keyTransports: DecodedKeyTransport[] = [];
    const recipients = envelopedData.recipientInfos.map((recipientInfo): RecipientReport => {
      const value = recipientInfo.value;
      if (recipientInfo.variant !== 1 || !(value instanceof pkijs.KeyTransRecipientInfo)) {
        return { type: OTHER_RECIPIENT_TYPES[recipientInfo.variant] ?? 'other' };
      }
      const rid = value.rid as RawIdentifier;
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
