import * as asn1js from 'asn1js';
import type { SignedAttribute, SignerReport } from '@mxg/cms';
import { EnvelopeError } from './envelope.errors';
import { decodeHeader, encodeHeader } from './message/canonical-message';
import type { MessageHeader } from './message/message-header';

/**
 * The signed attribute that seals the message header into the outer signature, so a receiver
 * can check sender, recipient, agreement and type before it decrypts anything. An OID under
 * the UUID arc (ITU-T X.667, `2.25.<uuid>`), which needs no registration. Its value is a
 * UTF8String holding the header's canonical JSON — readable with `openssl cms -cmsout -print`.
 */
export const ROUTING_HEADER_ATTRIBUTE = '2.25.73741742561871163920772413435898580669';

export function routingHeaderAttribute(header: MessageHeader): SignedAttribute {
  return routingHeaderAttributeOf(encodeHeader(header));
}

/** The same, for a header already in its canonical form (`encodeHeader`'s UTF-8 bytes). */
export function routingHeaderAttributeOf(canonicalHeader: Uint8Array): SignedAttribute {
  return { type: ROUTING_HEADER_ATTRIBUTE, value: utf8StringDer(canonicalHeader) };
}

/** A DER UTF8String (X.690 §8.23, §10.1: primitive, minimal length) of UTF-8 contents. */
function utf8StringDer(contents: Uint8Array): Uint8Array {
  const length = [contents.length];
  if (contents.length >= 0x80) {
    length.length = 0;
    for (let rest = contents.length; rest > 0; rest = Math.floor(rest / 256)) {
      length.unshift(rest % 256);
    }
    length.unshift(0x80 | length.length);
  }
  const der = new Uint8Array(1 + length.length + contents.length);
  der[0] = 0x0c;
  der.set(length, 1);
  der.set(contents, 1 + length.length);
  return der;
}

/** The sealed header of an outer SignedData's signer, or `undefined` when it carries none. */
export function readRoutingHeader(signer: SignerReport): MessageHeader | undefined {
  const values = signer.otherAttributes?.get(ROUTING_HEADER_ATTRIBUTE);
  if (values === undefined) return undefined;
  const [value] = values;
  const contents = value && values.length === 1 ? utf8StringContents(value) : undefined;
  if (contents) return decodeHeader(contents);
  const parsed = value && values.length === 1 ? berUtf8String(value) : undefined;
  if (!parsed || parsed.offset === -1 || !(parsed.result instanceof asn1js.Utf8String)) {
    throw new EnvelopeError(
      'MALFORMED_ENVELOPE',
      'the routing header attribute is not a UTF8String',
      'outer',
    );
  }
  return decodeHeader(Buffer.from(parsed.result.valueBlock.value, 'utf8'));
}

/**
 * asn1js's reading of a value that is not MXG's DER UTF8String (a BER one, say), or undefined.
 * asn1js can throw where it should report an error — a RangeError on a BMPString of odd
 * length, found by fuzzing (#10.13) — and this runs before the seal is verified, on anyone's
 * bytes: every failure must become the refusal below, never escape.
 */
function berUtf8String(value: Uint8Array): ReturnType<typeof asn1js.fromBER> | undefined {
  try {
    return asn1js.fromBER(value);
  } catch {
    return undefined;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The contents octets of a DER UTF8String (one primitive TLV, minimal length, nothing after it)
 * that are well-formed UTF-8 — the header as MXG writes it — without asn1js. asn1js reads such
 * contents to the same text (its decoder refuses exactly what a fatal TextDecoder refuses), which
 * re-encodes to these very octets; anything else is left to asn1js, as before.
 */
function utf8StringContents(value: Uint8Array): Uint8Array | undefined {
  if (value.length < 2 || value[0] !== 0x0c) return undefined;
  const first = value[1];
  let length = first;
  let start = 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count < 1 || count > 3 || value.length < 2 + count || value[2] === 0) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + value[2 + i];
    if (length < 0x80) return undefined;
    start = 2 + count;
  }
  if (start + length !== value.length) return undefined;
  const contents = value.subarray(start);
  try {
    strictUtf8.decode(contents);
  } catch {
    return undefined;
  }
  return contents;
}
