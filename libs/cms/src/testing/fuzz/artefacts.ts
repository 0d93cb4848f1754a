/**
 * An attribute type under the UUID arc like MXG's routing header (its arc is over 64 bits),
 * so that fuzzed SignedData exercise the big-arc OID paths the real envelopes take.
 */
export const ROUTING_LIKE_OID = '2.25.73741742561871163920772413435898580669';

/** A DER UTF8String of `text` (X.690 §8.23; lengths up to 65535). */
export function utf8String(text: string): Uint8Array {
  const contents = Buffer.from(text, 'utf8');
  const n = contents.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([0x0c, ...length]), contents]);
}
