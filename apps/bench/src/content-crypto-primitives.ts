import {
  constants,
  createCipheriv,
  createDecipheriv,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';

/**
 * node:crypto alone, as an envelope uses it for its content: RSA-OAEP-SHA256 wrap and unwrap of
 * a 32-byte content key, AES-256-CBC of `bytes` of content. For the benches' limit figures.
 */
export function contentCryptoPrimitives(
  recipient: { readonly publicKey: KeyObject; readonly privateKey: KeyObject },
  bytes: number,
) {
  const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
  const contentKey = randomBytes(32);
  const wrapped = publicEncrypt({ key: recipient.publicKey, ...oaep }, contentKey);
  const plaintext = randomBytes(bytes);
  const iv = randomBytes(16);
  const encrypt = () => {
    const cipher = createCipheriv('aes-256-cbc', contentKey, iv);
    return Buffer.concat([cipher.update(plaintext), cipher.final()]);
  };
  const ciphertext = encrypt();
  return {
    wrap: () => publicEncrypt({ key: recipient.publicKey, ...oaep }, contentKey),
    unwrap: () => privateDecrypt({ key: recipient.privateKey, ...oaep }, wrapped),
    encrypt,
    decrypt: () => {
      const decipher = createDecipheriv('aes-256-cbc', contentKey, iv);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    },
  };
}
