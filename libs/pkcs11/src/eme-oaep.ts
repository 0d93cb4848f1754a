import forge from 'node-forge';
import type { OaepHash } from '@mxg/cms';

/** node-forge's PKCS#1 module; @types/node-forge does not declare it. */
interface ForgePkcs1 {
  decode_rsa_oaep(
    key: forge.pki.rsa.PublicKey,
    em: string,
    options: { md: forge.md.MessageDigest; mgf1: { md: forge.md.MessageDigest } },
  ): string;
}
const pkcs1 = (forge as unknown as { pkcs1: ForgePkcs1 }).pkcs1;

/**
 * RSAES-OAEP decoding (RFC 8017 §7.1.2 step 3, EME-OAEP) of the encoded message a token's raw
 * RSA private-key operation (CKM_RSA_X_509) gave back, with MGF1 over the same hash and an empty
 * label — MXG's key transport (rsa-oaep-sha256). Used only for tokens that refuse OAEP with
 * SHA-2 themselves (SoftHSM 2.6.1 answers CKR_ARGUMENTS_BAD): the private key still never
 * leaves the token, only the padding is removed here, by node-forge's vetted implementation
 * rather than code of our own.
 *
 * Throws on any padding error, without saying which check failed.
 */
export function decodeEmeOaep(encodedMessage: Uint8Array, modulus: Buffer, hash: OaepHash): Buffer {
  // Only the modulus's length matters to the decoding; the exponent is a placeholder.
  const key = forge.pki.setRsaPublicKey(
    new forge.jsbn.BigInteger(modulus.toString('hex'), 16),
    new forge.jsbn.BigInteger('65537', 10),
  );
  const k = Math.ceil(key.n.bitLength() / 8);
  if (encodedMessage.length > k) throw new Error('decryption error');
  // Some modules strip the leading zero octets of the integer; EME-OAEP wants exactly k octets.
  const em = Buffer.concat([Buffer.alloc(k - encodedMessage.length), encodedMessage]);
  const md = (): forge.md.MessageDigest => forge.md[hash].create();
  try {
    const decoded = pkcs1.decode_rsa_oaep(key, em.toString('binary'), {
      md: md(),
      mgf1: { md: md() },
    });
    return Buffer.from(decoded, 'binary');
  } catch {
    throw new Error('decryption error');
  }
}
