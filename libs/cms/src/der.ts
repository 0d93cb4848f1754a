import * as asn1js from 'asn1js';

/**
 * A deliberately tiny DER writer. Containers are assembled from already-encoded children so
 * certificates, names and serial numbers are embedded byte-for-byte as they were issued
 * (never decoded and re-encoded), and SET OF is sorted as DER requires (X.690 §11.6) —
 * OpenSSL re-encodes signed attributes before verifying, so an unsorted SET fails there.
 */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  // One allocation per element: the header is written in front of the children directly
  // rather than concatenated from small arrays (a signature is built of ~40 elements).
  let length = 0;
  for (const c of contents) length += c.byteLength;
  if (length > 0xffffffff) throw new RangeError(`DER contents of ${length} bytes`);
  const lengthOctets =
    length < 0x80 ? 0 : length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
  const out = Buffer.allocUnsafe(2 + lengthOctets + length);
  out[0] = tag;
  if (lengthOctets === 0) {
    out[1] = length;
  } else {
    out[1] = 0x80 | lengthOctets;
    for (let i = lengthOctets, rest = length; i >= 1; i--, rest = Math.floor(rest / 256)) {
      out[1 + i] = rest % 256;
    }
  }
  let offset = 2 + lengthOctets;
  for (const c of contents) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export const sequence = (...contents: readonly Uint8Array[]): Uint8Array => tlv(0x30, ...contents);

export const setOf = (...elements: readonly Uint8Array[]): Uint8Array =>
  tlv(0x31, ...[...elements].sort(compareDer));

/** X.690 §11.6 order; a strict prefix sorts first, which is what zero-padding would give. */
export const compareDer = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);

/** [n] with constructed encoding: EXPLICIT tagging, or IMPLICIT over a SEQUENCE/SET. */
export const contextConstructed = (n: number, ...contents: readonly Uint8Array[]): Uint8Array =>
  tlv(0xa0 | n, ...contents);

/** [n] IMPLICIT over a primitive type such as OCTET STRING. */
export const contextPrimitive = (n: number, value: Uint8Array): Uint8Array => tlv(0x80 | n, value);

export const octetString = (value: Uint8Array): Uint8Array => tlv(0x04, value);

export const NULL = Uint8Array.of(0x05, 0x00);

export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new RangeError(`${value}`);
  return Uint8Array.of(0x02, 0x01, value);
}

/**
 * Encoded OIDs, cached: every signature writes the same handful (content type, digest and
 * signature algorithms, attribute types), and building and BER-encoding an asn1js object for
 * each was ≈ 6 % of a gateway's CPU. Bounded so that OIDs taken from input cannot grow it.
 */
const OID_CACHE = new Map<string, Uint8Array>();
const OID_CACHE_LIMIT = 256;

export function objectIdentifier(oid: string): Uint8Array {
  let encoded = OID_CACHE.get(oid);
  if (encoded === undefined) {
    encoded = new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER());
    if (OID_CACHE.size < OID_CACHE_LIMIT) OID_CACHE.set(oid, encoded);
  }
  // A copy: callers own what they get and may change it without touching the cache.
  return encoded.slice();
}

/** RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds, 'Z'. */
export function time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  const rest = [
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ]
    .map((n) => String(n).padStart(2, '0'))
    .join('');
  const utc = year >= 1950 && year < 2050;
  const text = `${utc ? String(year % 100).padStart(2, '0') : String(year).padStart(4, '0')}${rest}Z`;
  return tlv(utc ? 0x17 : 0x18, Buffer.from(text, 'ascii'));
}
