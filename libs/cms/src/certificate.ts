import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Name } from '@peculiar/x509';
import { CmsError } from './cms.errors';
import { isNameValueTag } from './cms-shape';
import { sequence } from './der';
import { children, contents, decline, expectTag, TAG, whole, type Tlv } from './der-reader';
import { bytesKey, LruCache } from './lru-cache';

/**
 * DER bytes, PEM text, or a node X509Certificate. Pass X509Certificate objects on hot paths:
 * being immutable, their parse is cached; bytes and text are parsed on every call.
 */
export type CertificateInput = Uint8Array | string | X509Certificate;

/**
 * A certificate parsed once. OpenSSL (through node) supplies the public key and checks
 * signatures; pkijs supplies the fields CMS matching and path validation read. Parsed
 * certificates are cached by their bytes, so treat every field as immutable.
 */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  readonly fields: pkijs.Certificate;
  /** Unique in this process: caches key on it instead of hashing the bytes again. */
  readonly id: number;
  /** DER of the issuer Name, as issued. */
  readonly issuerDer: Uint8Array;
  /** The serialNumber INTEGER's contents octets, as issued. */
  readonly serial: Uint8Array;
}

/** How CMS points at a certificate (RFC 5652 §5.3 SignerIdentifier, §6.2.1 RecipientIdentifier). */
export type CertificateIdentifier =
  | {
      readonly type: 'issuerAndSerialNumber';
      readonly issuer: string;
      readonly serialNumber: string;
    }
  | { readonly type: 'subjectKeyIdentifier'; readonly subjectKeyIdentifier: string };

/** A sid / rid as it was on the wire: IssuerAndSerialNumber, or the [0] SubjectKeyIdentifier. */
export type RawIdentifier =
  | {
      readonly kind: 'issuerAndSerialNumber';
      /** DER of the issuer Name. */
      readonly issuer: Uint8Array;
      /** The serialNumber INTEGER's contents octets. */
      readonly serialNumber: Uint8Array;
    }
  | { readonly kind: 'subjectKeyIdentifier'; readonly keyIdentifier: Uint8Array };

const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/**
 * Certificates are parsed (by OpenSSL and by pkijs) once per distinct DER. The trust store's
 * X509Certificate instances are long-lived, so they are also remembered by identity.
 */
const parsedX509 = new WeakMap<X509Certificate, ParsedCertificate>();
const parsedDer = new LruCache<string, ParsedCertificate>(1024);
const parsedPem = new LruCache<string, ParsedCertificate>(256);
/** Certificates larger than this are parsed every time rather than pinned in the cache. */
const MAX_CACHED_BYTES = 16 * 1024;
let nextId = 1;

export function parseCertificate(input: CertificateInput): ParsedCertificate {
  if (input instanceof X509Certificate) {
    let parsed = parsedX509.get(input);
    if (!parsed) {
      parsed = certificateFromDer(input.raw, input);
      parsedX509.set(input, parsed);
    }
    return parsed;
  }
  if (typeof input === 'string') {
    const cached = parsedPem.get(input);
    if (cached) return cached;
    const x509 = toX509(input);
    const parsed = certificateFromDer(x509.raw, x509);
    if (input.length <= 2 * MAX_CACHED_BYTES) parsedPem.set(input, parsed);
    return parsed;
  }
  return certificateFromDer(input);
}

/** DER of a caller-supplied certificate, checked by OpenSSL but not otherwise parsed. */
export function certificateDer(input: CertificateInput): Uint8Array {
  return parseCertificate(input).der;
}

/**
 * The parsed form of the certificate `der`, from the cache when these exact bytes were seen
 * before. `x509` and `fields`, when the caller already has them, must be of the same bytes.
 */
export function certificateFromDer(
  der: Uint8Array,
  x509?: X509Certificate,
  fields?: pkijs.Certificate,
): ParsedCertificate {
  // The same array handed over again (a decoded SignedData's certificates, which path
  // validation then reads twice per signature): its bytes are compared with the parsed ones
  // rather than copied into a string key and hashed.
  const seen = parsedArrays.get(der);
  if (seen && Buffer.compare(seen.der, der) === 0) return seen;
  const parsed = certificateFromDerBytes(der, x509, fields);
  parsedArrays.set(der, parsed);
  return parsed;
}

const parsedArrays = new WeakMap<Uint8Array, ParsedCertificate>();

function certificateFromDerBytes(
  der: Uint8Array,
  x509?: X509Certificate,
  fields?: pkijs.Certificate,
): ParsedCertificate {
  const cacheable = der.byteLength <= MAX_CACHED_BYTES;
  const key = cacheable ? bytesKey(der) : undefined;
  const cached = key === undefined ? undefined : parsedDer.get(key);
  if (cached) return cached;
  // A private copy: the cache must not see later changes to the caller's buffer.
  const own = x509 ? x509.raw : Buffer.from(der);
  const parsed = withFields(own, x509 ?? toX509(own), fields);
  if (key !== undefined) parsedDer.set(key, parsed);
  return parsed;
}

/** For certificates already decoded by pkijs inside a CMS structure, with their raw bytes. */
function withFields(
  der: Uint8Array,
  x509: X509Certificate,
  fields?: pkijs.Certificate,
): ParsedCertificate {
  let decoded: pkijs.Certificate;
  try {
    decoded = fields ?? pkijs.Certificate.fromBER(der);
  } catch (error) {
    throw new CmsError('MALFORMED_CERTIFICATE', 'Certificate could not be parsed', {
      cause: String(error),
    });
  }
  assertValidityAgrees(x509, decoded);
  return {
    der,
    x509,
    fields: decoded,
    id: nextId++,
    issuerDer: new Uint8Array(decoded.issuer.valueBeforeDecode),
    serial: decoded.serialNumber.valueBlock.valueHexView,
  };
}

/**
 * OpenSSL (node's X509Certificate) and pkijs must read the same validity period. A time
 * RFC 5280 §4.1.2.5 does not allow — 31 February, month 13, no seconds — OpenSSL prints as
 * "Bad time value", while asn1js rolls it over into another date, which path validation would
 * then use; and the envelope reports, which print the period, would fail on it.
 */
function assertValidityAgrees(x509: X509Certificate, fields: pkijs.Certificate): void {
  const agrees = (printed: string, time: pkijs.Time) =>
    Date.parse(printed) === time.value.getTime() && time.value.getUTCMilliseconds() === 0;
  if (!agrees(x509.validFrom, fields.notBefore) || !agrees(x509.validTo, fields.notAfter)) {
    throw new CmsError('MALFORMED_CERTIFICATE', 'Certificate validity is not a valid time', {
      rule: 'RFC 5280 §4.1.2.5',
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

/** Every signature and every encryption for a certificate writes the same bytes. */
const issuerAndSerialNumbers = new WeakMap<ParsedCertificate, Uint8Array>();

/**
 * IssuerAndSerialNumber built from the certificate's own bytes, so it matches byte-for-byte.
 * Shared between calls: read it or embed it (the DER writer copies), never change it.
 */
export function issuerAndSerialNumber(certificate: ParsedCertificate): Uint8Array {
  let encoded = issuerAndSerialNumbers.get(certificate);
  if (!encoded) {
    const { issuer, serialNumber } = certificate.fields;
    encoded = sequence(
      new Uint8Array(issuer.valueBeforeDecode),
      serialNumber.valueBeforeDecodeView,
    );
    issuerAndSerialNumbers.set(certificate, encoded);
  }
  return encoded;
}

/** A pkijs-decoded sid / rid in the wire form the rest of this library uses. */
export function rawIdentifier(id: pkijs.IssuerAndSerialNumber | asn1js.BaseBlock): RawIdentifier {
  if (id instanceof pkijs.IssuerAndSerialNumber) {
    return {
      kind: 'issuerAndSerialNumber',
      issuer: new Uint8Array(id.issuer.valueBeforeDecode),
      serialNumber: id.serialNumber.valueBlock.valueHexView,
    };
  }
  return { kind: 'subjectKeyIdentifier', keyIdentifier: keyIdentifierBytes(id) };
}

export function describeIdentifier(id: RawIdentifier): CertificateIdentifier {
  if (id.kind === 'issuerAndSerialNumber') {
    return {
      type: 'issuerAndSerialNumber',
      issuer: formatNameDer(id.issuer),
      serialNumber: serialHexOf(id.serialNumber),
    };
  }
  return { type: 'subjectKeyIdentifier', subjectKeyIdentifier: hex(id.keyIdentifier) };
}

export function matchesIdentifier(certificate: ParsedCertificate, id: RawIdentifier): boolean {
  if (id.kind === 'issuerAndSerialNumber') {
    // Serials compare exactly; names as RFC 5280 §7.1 prescribes (pkijs: case/space-insensitive),
    // which identical bytes always satisfy.
    return (
      sameBytes(certificate.serial, id.serialNumber) &&
      (sameBytes(certificate.issuerDer, id.issuer) ||
        certificate.fields.issuer.isEqual(nameOf(id.issuer)))
    );
  }
  const ski = subjectKeyIdentifier(certificate.fields);
  return ski !== undefined && sameBytes(ski, id.keyIdentifier);
}

/** Byte equality without copying either side (Buffer.from would). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

export function findCertificate<T extends ParsedCertificate>(
  candidates: readonly T[],
  id: RawIdentifier,
): T | undefined {
  return candidates.find((c) => matchesIdentifier(c, id));
}

export function subjectKeyIdentifier(certificate: pkijs.Certificate): Uint8Array | undefined {
  const extension = certificate.extensions?.find((e) => e.extnID === SUBJECT_KEY_IDENTIFIER);
  const value: unknown = extension?.parsedValue;
  return value instanceof asn1js.OctetString ? value.valueBlock.valueHexView : undefined;
}

interface DecodedName {
  readonly name: pkijs.RelativeDistinguishedNames;
  readonly text: string;
}

/** Issuer names repeat in every message from a CA's subjects: decoded once per distinct DER. */
const decodedNames = new LruCache<string, DecodedName>(256);

function decodedName(der: Uint8Array): DecodedName {
  const key = bytesKey(der);
  let decoded = decodedNames.get(key);
  if (!decoded) {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) {
      throw new Error(asn1.result.error || 'trailing data after a Name');
    }
    const name = new pkijs.RelativeDistinguishedNames({ schema: asn1.result });
    decoded = { name, text: new Name(name.valueBeforeDecode).toString() };
    decodedNames.set(key, decoded);
  }
  return decoded;
}

/** A Name's DER as pkijs reads it; throws when it is not a Name. */
export const nameOf = (der: Uint8Array): pkijs.RelativeDistinguishedNames => decodedName(der).name;

/** RFC 4514 string of a Name's DER, e.g. 'CN=Intermediate A, O=MXG Test, C=KZ'. */
export const formatNameDer = (der: Uint8Array): string => decodedName(der).text;

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

/** Upper-case hex without a sign-padding zero: the form node's X509Certificate.serialNumber uses. */
function serialHexOf(bytes: Uint8Array): string {
  const trimmed = bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes;
  return hex(trimmed).toUpperCase();
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export function pemToDer(text: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(text);
  if (!match) throw new TypeError(`No PEM block labelled ${label}`);
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/**
 * A SignerIdentifier or RecipientIdentifier (RFC 5652 §5.3, §6.2.1: the same CHOICE of
 * issuerAndSerialNumber or [0] subjectKeyIdentifier) read by the fast DER path; declines —
 * leaving the general parser to decide — on anything it is not sure of.
 */
export function cmsIdentifier(der: Uint8Array, tlv: Tlv): RawIdentifier {
  if (tlv.tag === TAG.context0Primitive) {
    return { kind: 'subjectKeyIdentifier', keyIdentifier: contents(der, tlv) };
  }
  const [issuer, serial, ...extra] = children(der, expectTag(tlv, TAG.sequence));
  expectTag(issuer, TAG.sequence);
  expectTag(serial, TAG.integer);
  if (extra.length > 0 || serial.end === serial.contentStart) decline('IssuerAndSerialNumber');
  const issuerDer = whole(der, issuer);
  nameOf(issuerDer); // throws — and so declines — unless pkijs reads it as a Name
  for (const rdn of children(der, issuer)) {
    for (const attribute of children(der, rdn)) {
      const [type, value, ...extra] = children(der, attribute);
      if (!type || !value || extra.length > 0 || !isNameValueTag(value.tag)) {
        decline('a Name attribute OpenSSL does not read');
      }
    }
  }
  return { kind: 'issuerAndSerialNumber', issuer: issuerDer, serialNumber: contents(der, serial) };
}
