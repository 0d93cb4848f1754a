/**
 * The first way `bytes` fails to be one BER element (X.690 §8) all the way down, or undefined.
 *
 * asn1js, under pkijs, reads much that is not BER: a child running past the end its parent
 * declared (the outer length is then simply ignored), NULL with contents, padded INTEGERs and
 * OID arcs. Lengths must also be minimal (below). OpenSSL refuses all of those, so a message MXG accepted could not be checked with
 * `openssl cms` — and two parsers would disagree on what the same bytes say. Both CMS decoders
 * run this walk first. It reads headers only (a few microseconds for an envelope) and checks
 * the contents of the universal types whose encoding X.690 fixes even in BER — unless
 * `contents` is false, for a check of the structure (tags and lengths) alone.
 */
export function berViolation(
  bytes: Uint8Array,
  { contents = true }: { readonly contents?: boolean } = {},
): string | undefined {
  try {
    const end = element(bytes, 0, bytes.length, MAX_DEPTH, contents);
    return end === bytes.length ? undefined : 'data after the element';
  } catch (error) {
    if (error instanceof Violation) return error.message;
    throw error;
  }
}

/**
 * Far deeper than any CMS structure MXG reads (a SignedData with certificates nests about 15
 * levels), and shallow enough that no input can exhaust the stack of the parsers after it.
 */
const MAX_DEPTH = 64;

class Violation extends Error {}

function violation(what: string): never {
  throw new Violation(what);
}

/** Checks the element at `offset`, which must end by `limit`; returns where it ends. */
function element(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  depth: number,
  checkContents: boolean,
): number {
  if (depth === 0) violation('nested too deeply');
  let i = offset;
  if (i >= limit) violation('truncated');
  const first = bytes[i++];
  const constructed = (first & 0x20) !== 0;
  const universal = first >> 6 === 0;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    // X.690 §8.1.2.4: high tag numbers, base 128, no padding, at least 31
    tag = 0;
    for (let octets = 0; ; octets++) {
      if (i >= limit) violation('truncated tag');
      if (octets === 0 && bytes[i] === 0x80) violation('padded tag number');
      if (octets === 4) violation('tag number too large');
      tag = tag * 128 + (bytes[i] & 0x7f);
      if ((bytes[i++] & 0x80) === 0) break;
    }
    if (tag < 31) violation('high-tag form for a low tag number');
  }
  if (universal && tag === 0) violation('end-of-contents out of place');
  if (i >= limit) violation('truncated length');
  const lengthOctet = bytes[i++];
  if (lengthOctet === 0x80) {
    // X.690 §8.1.3.6: indefinite form, constructed only, closed by end-of-contents
    if (!constructed) violation('indefinite length on a primitive element');
    for (;;) {
      if (i + 2 > limit) violation('no end-of-contents');
      if (bytes[i] === 0 && bytes[i + 1] === 0) return i + 2;
      i = element(bytes, i, limit, depth - 1, checkContents);
    }
  }
  let length = lengthOctet;
  if (lengthOctet > 0x80) {
    const count = lengthOctet & 0x7f;
    if (count === 0x7f) violation('reserved length octet'); // X.690 §8.1.3.5 c)
    if (i + count > limit) violation('truncated length');
    // X.690 §8.1.3.5 lets BER pad a length; MXG does not, as DER (§10.1) and every CMS
    // producer it knows: OpenSSL, which otherwise reads padded lengths, fails on some (a zero
    // length padded at the end of its parent: "header too long"), and the padding is only
    // room for two parsers to disagree. Indefinite lengths, BER's streaming form, stay.
    if (bytes[i] === 0) violation('padded length');
    length = 0;
    for (let k = 0; k < count; k++) {
      length = length * 256 + bytes[i + k];
      if (length > limit) violation('length beyond the input');
    }
    if (length < 0x80) violation('long form for a short length');
    i += count;
  }
  const end = i + length;
  if (end > limit) violation('length beyond the enclosing element');
  if (constructed) {
    if (checkContents && universal && PRIMITIVE_ONLY.has(tag)) {
      violation(`constructed ${PRIMITIVE_ONLY.get(tag)}`);
    }
    for (let at = i; at < end;) at = element(bytes, at, end, depth - 1, checkContents);
  } else if (checkContents && universal) {
    primitiveContents(tag, bytes.subarray(i, end));
  }
  return end;
}

/** X.690 §8.2.1, §8.3.1, §8.8.1, §8.19.1, §8.4: these are always primitive. */
const PRIMITIVE_ONLY = new Map([
  [1, 'BOOLEAN'],
  [2, 'INTEGER'],
  [5, 'NULL'],
  [6, 'OBJECT IDENTIFIER'],
  [10, 'ENUMERATED'],
  [13, 'RELATIVE-OID'],
]);

function primitiveContents(tag: number, contents: Uint8Array): void {
  switch (tag) {
    case 1: // BOOLEAN, §8.2.1
      if (contents.length !== 1) violation('BOOLEAN not of one octet');
      return;
    case 2: // INTEGER, §8.3.2
    case 10: // ENUMERATED, §8.4
      if (contents.length === 0) violation('empty INTEGER');
      if (
        contents.length > 1 &&
        ((contents[0] === 0x00 && contents[1] < 0x80) ||
          (contents[0] === 0xff && contents[1] >= 0x80))
      ) {
        violation('padded INTEGER');
      }
      return;
    case 3: // BIT STRING, §8.6.2
      if (
        contents.length === 0 ||
        contents[0] > 7 ||
        (contents.length === 1 && contents[0] !== 0)
      ) {
        violation('BIT STRING with a wrong unused-bits octet');
      }
      return;
    case 5: // NULL, §8.8.2
      if (contents.length !== 0) violation('NULL with contents');
      return;
    case 6: // OBJECT IDENTIFIER, §8.19.2
    case 13: // RELATIVE-OID, §8.20.2
      if (contents.length === 0) violation('empty OBJECT IDENTIFIER');
      if (contents[contents.length - 1] & 0x80) violation('truncated OBJECT IDENTIFIER arc');
      for (let k = 0; k < contents.length; k++) {
        if (contents[k] === 0x80 && (k === 0 || (contents[k - 1] & 0x80) === 0)) {
          violation('padded OBJECT IDENTIFIER arc');
        }
      }
      return;
    default:
      return;
  }
}
