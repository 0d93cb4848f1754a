import { readCmsTime } from './cms-time';
import { bytesKey, LruCache } from './lru-cache';

/**
 * A strict DER reader for the fast decoding paths. It never guesses: anything outside the
 * narrow subset it knows (high tag numbers, indefinite or non-minimal lengths, OID arcs asn1js
 * would print differently) throws `Decline`, and the caller then decodes the input with the
 * general BER parser (asn1js/pkijs) instead. So a fast path can only ever agree with the
 * general one or step aside — it never accepts what the general parser would refuse.
 */
export class Decline extends Error {
  constructor(why: string) {
    super(`fast path declined: ${why}`);
  }
}

export function decline(why: string): never {
  throw new Decline(why);
}

/** One element: its tag byte and where its header and contents are in `bytes`. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export function readTlv(bytes: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) decline('truncated');
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) decline('high tag number');
  // X.690 §8.1.5: tag 0 is end-of-contents, which only closes an indefinite length (BER)
  if ((tag & 0xdf) === 0) decline('end-of-contents'); // universal 0, primitive or constructed
  const first = bytes[offset + 1];
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const count = first & 0x7f;
    // 0x80 is the indefinite form (BER only); more than 4 length octets is absurd here.
    if (count === 0 || count > 4) decline('indefinite or huge length');
    if (offset + 2 + count > limit) decline('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i];
    // X.690 §10.1: DER uses the fewest length octets, the short form below 128.
    if (length < 0x80 || bytes[offset + 2] === 0) decline('non-minimal length');
    contentStart = offset + 2 + count;
  }
  const end = contentStart + length;
  if (end > limit) decline('truncated contents');
  return { tag, start: offset, contentStart, end };
}

/** The elements directly inside a constructed element (or a whole buffer). */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readTlv(bytes, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** The one element of `bytes[start, end)`, which must fill it exactly. */
export function only(bytes: Uint8Array, start: number, end: number): Tlv {
  const tlv = readTlv(bytes, start, end);
  if (tlv.end !== end) decline('trailing data');
  return tlv;
}

export function expectTag(tlv: Tlv | undefined, tag: number): Tlv {
  if (tlv === undefined || tlv.tag !== tag) decline(`expected tag ${tag}`);
  return tlv;
}

/** A plain Uint8Array view (never a Buffer, whatever `bytes` is) of an element's contents. */
export const contents = (bytes: Uint8Array, tlv: Tlv): Uint8Array =>
  new Uint8Array(bytes.buffer, bytes.byteOffset + tlv.contentStart, tlv.end - tlv.contentStart);

/** A plain Uint8Array view of a whole element, header included. */
export const whole = (bytes: Uint8Array, tlv: Tlv): Uint8Array =>
  new Uint8Array(bytes.buffer, bytes.byteOffset + tlv.start, tlv.end - tlv.start);

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  sequence: 0x30,
  set: 0x31,
  context0: 0xa0,
  context1: 0xa1,
  context0Primitive: 0x80,
} as const;

/** A small non-negative INTEGER (a version number). */
export function smallIntegerValue(bytes: Uint8Array, tlv: Tlv): number {
  expectTag(tlv, TAG.integer);
  if (tlv.end - tlv.contentStart !== 1 || bytes[tlv.contentStart] > 0x7f) {
    decline('version is not a small integer');
  }
  return bytes[tlv.contentStart];
}

/**
 * Dotted decimal, exactly as asn1js prints it. Arcs of up to 7 base-128 digits (49 bits) are
 * exact in both; longer ones asn1js prints as `{hex}`, so they decline unless `bigArcs` —
 * for callers that then apply `dottedOid`, which turns asn1js's `{hex}` into this same
 * decimal. The first arc (which encodes two) must be short either way.
 */
export function oidValue(bytes: Uint8Array, tlv: Tlv, bigArcs = false): string {
  expectTag(tlv, TAG.oid);
  // Short OIDs (content types, algorithms) are read faster than they could be looked up. Longer
  // ones, such as the routing header attribute's with its 128-bit arc read with BigInt, come
  // in every message too: remembered per encoding (and `bigArcs`, which decides whether such
  // arcs decline); only successful readings are kept.
  const length = tlv.end - tlv.contentStart;
  if (length <= MAX_READ_OID_BYTES || length > MAX_CACHED_OID_BYTES) {
    return readOid(bytes, tlv, bigArcs);
  }
  const key = `${bigArcs ? '+' : '-'}${bytesKey(contents(bytes, tlv))}`;
  let value = oidValues.get(key);
  if (value === undefined) {
    value = readOid(bytes, tlv, bigArcs);
    oidValues.set(key, value);
  }
  return value;
}

const oidValues = new LruCache<string, string>(256);
const MAX_READ_OID_BYTES = 12;
const MAX_CACHED_OID_BYTES = 64;

function readOid(bytes: Uint8Array, tlv: Tlv, bigArcs: boolean): string {
  const { contentStart, end } = tlv;
  if (end === contentStart) decline('empty OID');
  const arcs: string[] = [];
  for (let i = contentStart; i < end;) {
    if (bytes[i] === 0x80) decline('non-minimal OID arc');
    let j = i;
    while (j < end && bytes[j] & 0x80) j++;
    if (j === end) decline('truncated OID arc');
    const digits = j - i + 1;
    // asn1js reads 8 digits into a double (inexact past 2^53) and prints longer arcs as hex.
    if (digits === 8 || (digits > 8 && (!bigArcs || arcs.length === 0))) {
      decline('OID arc too large');
    }
    if (digits <= 7) {
      let value = 0;
      for (let k = i; k <= j; k++) value = value * 128 + (bytes[k] & 0x7f);
      if (arcs.length === 0) {
        arcs.push(value < 40 ? '0' : value < 80 ? '1' : '2');
        arcs.push(String(value < 80 ? value % 40 : value - 80));
      } else {
        arcs.push(String(value));
      }
    } else {
      let value = 0n;
      for (let k = i; k <= j; k++) value = value * 128n + BigInt(bytes[k] & 0x7f);
      arcs.push(value.toString());
    }
    i = j + 1;
  }
  return arcs.join('.');
}

/**
 * UTCTime in its DER form only, `YYMMDDHHMMSSZ` (X.690 §11.8), naming a real instant
 * (`readCmsTime`); the general decoder refuses what this declines.
 */
export function utcTimeValue(bytes: Uint8Array, tlv: Tlv): Date {
  expectTag(tlv, TAG.utcTime);
  return readCmsTime(contents(bytes, tlv), false) ?? decline('not a valid UTCTime');
}

/**
 * The content of a DER ContentInfo (RFC 5652 §3) of the expected type: the SEQUENCE inside its
 * [0] EXPLICIT. Declines on anything else.
 */
export function contentInfoContent(der: Uint8Array, contentType: string, what: string): Tlv {
  const contentInfo = expectTag(only(der, 0, der.byteLength), TAG.sequence);
  const [type, explicit, ...extra] = children(der, contentInfo);
  if (extra.length > 0 || oidValue(der, type) !== contentType) decline(`not ${what}`);
  expectTag(explicit, TAG.context0);
  return expectTag(only(der, explicit.contentStart, explicit.end), TAG.sequence);
}

/**
 * Whether `bytes` is one element with DER lengths throughout (`readTlv`), as RFC 5652 §5.3
 * requires of signed attributes "even if the rest of the structure is BER encoded". OpenSSL
 * verifies the signature over the attributes re-encoded — minimal lengths, in the order
 * received — so attributes signed with other lengths verify in a reader that takes the bytes
 * as they came, and fail in OpenSSL.
 */
export function hasDerLengths(bytes: Uint8Array): boolean {
  const walk = (parent: Tlv): boolean =>
    children(bytes, parent).every((e) => (e.tag & 0x20) === 0 || walk(e));
  try {
    return walk(only(bytes, 0, bytes.length));
  } catch (error) {
    if (error instanceof Decline) return false;
    throw error;
  }
}
