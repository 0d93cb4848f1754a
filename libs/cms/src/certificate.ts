import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Name } from '@peculiar/x509';
import { CmsError } from './cms.errors';
import { sequence } from './der';

/**
 * DER bytes, PEM text, or a node X509Certificate. Pass X509Certificate objects on hot paths:
 * being immutable, their parse is cached; bytes and text are parsed on every call.
 */
export type CertificateInput = Uint8Array | string | X509Certificate;

/**
 * A certificate parsed once. OpenSSL (through node) supplies the public key and checks
 * signatures; pkijs supplies the fields CMS matching and path validation read.
 */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  readonly fields: pkijs.Certificate;
}

/** How CMS points at a certificate (RFC 5652 §5.3 SignerIdentifier, §6.2.1 RecipientIdentifier). */
export type CertificateIdentifier =
  | {
      readonly type: 'issuerAndSerialNumber';
      readonly issuer: string;
      readonly serialNumber: string;
    }
  | { readonly type: 'subjectKeyIdentifier'; readonly subjectKeyIdentifier: string };

/** The pkijs form of a sid / rid: IssuerAndSerialNumber, or the [0] SubjectKeyIdentifier. */
export type RawIdentifier = pkijs.IssuerAndSerialNumber | asn1js.BaseBlock;

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

const parsedX509 = new WeakMap<X509Certificate, ParsedCertificate>();

export function parseCertificate(input: CertificateInput): ParsedCertificate {
  const cached = input instanceof X509Certificate ? parsedX509.get(input) : undefined;
  if (cached) return cached;
  const x509 = toX509(input);
  const parsed = withFields(x509.raw, x509);
  if (input instanceof X509Certificate) parsedX509.set(input, parsed);
  return parsed;
}

/** DER of a caller-supplied certificate, checked by OpenSSL but not otherwise parsed. */
export function certificateDer(input: CertificateInput): Uint8Array {
  return toX509(input).raw;
}

/** For certificates already decoded by pkijs inside a CMS structure, with their raw bytes. */
export function withFields(
  der: Uint8Array,
  x509: X509Certificate,
  fields?: pkijs.Certificate,
): ParsedCertificate {
  try {
    return { der, x509, fields: fields ?? pkijs.Certificate.fromBER(der) };
  } catch (error) {
    throw new CmsError('MALFORMED_CERTIFICATE', 'Certificate could not be parsed', {
      cause: String(error),
    });
  }
}

function toX509(input: CertificateInput): X509Certificate {
  if (input instanceof X509Certificate) return input;
  try {
    return new X509Certificate(toBuffer(input));
  } catch (error) {
    throw new CmsError('MALFORMED_CERTIFICATE', 'Certificate could not be parsed', {
      cause: String(error),
    });
  }
}

function toBuffer(input: Uint8Array | string): Buffer | string {
  return typeof input === 'string'
    ? input
    : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/** IssuerAndSerialNumber built from the certificate's own bytes, so it matches byte-for-byte. */
export function issuerAndSerialNumber(certificate: ParsedCertificate): Uint8Array {
  const { issuer, serialNumber } = certificate.fields;
  return sequence(new Uint8Array(issuer.valueBeforeDecode), serialNumber.valueBeforeDecodeView);
}

export function describeIdentifier(id: RawIdentifier): CertificateIdentifier {
  if (id instanceof pkijs.IssuerAndSerialNumber) {
    return {
      type: 'issuerAndSerialNumber',
      issuer: formatName(id.issuer),
      serialNumber: serialHex(id.serialNumber),
    };
  }
  return { type: 'subjectKeyIdentifier', subjectKeyIdentifier: hex(keyIdentifierBytes(id)) };
}

export function matchesIdentifier(certificate: pkijs.Certificate, id: RawIdentifier): boolean {
  if (id instanceof pkijs.IssuerAndSerialNumber) {
    // Names compare as RFC 5280 §7.1 prescribes (pkijs: case/space-insensitive); serials exactly.
    return (
      certificate.issuer.isEqual(id.issuer) &&
      Buffer.from(certificate.serialNumber.valueBlock.valueHexView).equals(
        id.serialNumber.valueBlock.valueHexView,
      )
    );
  }
  const ski = subjectKeyIdentifier(certificate);
  return ski !== undefined && Buffer.from(ski).equals(keyIdentifierBytes(id));
}

export function findCertificate<T extends { fields: pkijs.Certificate }>(
  candidates: readonly T[],
  id: RawIdentifier,
): T | undefined {
  return candidates.find((c) => matchesIdentifier(c.fields, id));
}

export function subjectKeyIdentifier(certificate: pkijs.Certificate): Uint8Array | undefined {
  const extension = certificate.extensions?.find((e) => e.extnID === SUBJECT_KEY_IDENTIFIER);
  const value: unknown = extension?.parsedValue;
  return value instanceof asn1js.OctetString ? value.valueBlock.valueHexView : undefined;
}

/** [0] IMPLICIT SubjectKeyIdentifier: pkijs hands it over as a primitive or constructed [0]. */
function keyIdentifierBytes(block: asn1js.BaseBlock): Uint8Array {
  if (block instanceof asn1js.OctetString) return block.valueBlock.valueHexView;
  if (block instanceof asn1js.Constructed) {
    const inner = block.valueBlock.value[0];
    if (inner instanceof asn1js.OctetString) return inner.valueBlock.valueHexView;
  }
  if (block instanceof asn1js.Primitive) return block.valueBlock.valueHexView;
  throw new CmsError('MALFORMED_CMS', 'Unreadable subjectKeyIdentifier');
}

/** RFC 4514 string, e.g. 'CN=Intermediate A, O=MXG Test, C=KZ'. */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return new Name(name.valueBeforeDecode).toString();
}

/** Upper-case hex without a sign-padding zero: the form node's X509Certificate.serialNumber uses. */
export function serialHex(serial: asn1js.Integer): string {
  const bytes = serial.valueBlock.valueHexView;
  const trimmed = bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes;
  return hex(trimmed).toUpperCase();
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function pemToDer(text: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(text);
  if (!match) throw new TypeError(`No PEM block labelled ${label}`);
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}
