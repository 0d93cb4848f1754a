/**
 * CKM_ECDSA answers r || s, each as long as the curve's order (PKCS#11 2.40 §2.3.1); CMS carries
 * ECDSA-Sig-Value, the DER SEQUENCE of two INTEGERs (RFC 5753 §7.2, RFC 3279 §2.2.3).
 */
export function ecdsaSignatureToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new TypeError('an ECDSA signature from the token has an odd length');
  }
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function derInteger(unsigned: Uint8Array): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start += 1;
  const magnitude = Buffer.from(unsigned.subarray(start));
  // A set top bit would read as negative: INTEGERs are two's complement (X.690 §8.3).
  const value = magnitude[0] & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude;
  return Buffer.concat([Buffer.from([0x02]), derLength(value.length), value]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  return Buffer.from([0x82, length >> 8, length & 0xff]);
}
