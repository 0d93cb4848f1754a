import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificate, type CertificateInput } from './certificate';

/** RFC 5280 §4.2.1.3, in bit order. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: readonly KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/** RFC 5280 §4.2.1.12 key purposes MXG cares about. */
export const EXTENDED_KEY_USAGE = {
  emailProtection: '1.3.6.1.5.5.7.3.4',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

const KEY_USAGE = '2.5.29.15';
const EXTENDED_KEY_USAGE_EXTENSION = '2.5.29.37';

/**
 * The asserted key usages, or undefined when the extension is absent — which RFC 5280 reads
 * as "no restriction", so callers that require a usage must treat undefined deliberately.
 */
export function readKeyUsage(certificate: CertificateInput): readonly KeyUsageName[] | undefined {
  return keyUsageOf(parseCertificate(certificate).fields);
}

/** Key purpose OIDs, or undefined when the extension is absent. */
export function readExtendedKeyUsage(certificate: CertificateInput): readonly string[] | undefined {
  const extension = parseCertificate(certificate).fields.extensions?.find(
    (e) => e.extnID === EXTENDED_KEY_USAGE_EXTENSION,
  );
  if (!extension) return undefined;
  const value: unknown = extension.parsedValue;
  return value instanceof pkijs.ExtKeyUsage ? [...value.keyPurposes] : [];
}

export function keyUsageOf(certificate: pkijs.Certificate): readonly KeyUsageName[] | undefined {
  const extension = certificate.extensions?.find((e) => e.extnID === KEY_USAGE);
  if (!extension) return undefined;
  const value: unknown = extension.parsedValue;
  const bits =
    value instanceof asn1js.BitString ? value.valueBlock.valueHexView : new Uint8Array(0);
  // BIT STRING bit n is bit (7 - n % 8) of byte n / 8.
  return KEY_USAGE_BITS.filter((_, n) => ((bits[n >> 3] ?? 0) >> (7 - (n & 7))) & 1);
}
