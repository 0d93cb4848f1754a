/** A copy of `der` with one bit flipped inside the first occurrence of `needle`. */
export function flipByteWithin(der: Uint8Array, needle: Uint8Array, offset = 0): Uint8Array {
  const at = Buffer.from(der).indexOf(Buffer.from(needle));
  if (at < 0) throw new Error('needle not found in DER');
  const copy = Uint8Array.from(der);
  copy[at + offset] ^= 0x01;
  return copy;
}
