import {
  constants,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import type { OaepHash } from '@mxg/cms';
import { decodeEmeOaep } from './eme-oaep';

/**
 * The raw RSA operation a token performs (CKM_RSA_X_509) is played by node with no padding; the
 * EME-OAEP decoding must then give back exactly what RSA-OAEP encrypted.
 */
describe(decodeEmeOaep.name, () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const modulus = Buffer.from(publicKey.export({ format: 'jwk' }).n!, 'base64url');
  const raw = (ciphertext: Buffer) =>
    privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  const encrypt = (message: Buffer, oaepHash: OaepHash) =>
    publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, message);

  it.each(['sha1', 'sha256', 'sha384', 'sha512'] as const)('decodes OAEP with %s', (hash) => {
    const message = randomBytes(32);
    expect(decodeEmeOaep(raw(encrypt(message, hash)), modulus, hash)).toEqual(message);
  });

  it('accepts an encoded message whose leading zero octet a module stripped', () => {
    const message = randomBytes(32);
    const em = raw(encrypt(message, 'sha256'));
    expect(em[0]).toBe(0);
    expect(decodeEmeOaep(em.subarray(1), modulus, 'sha256')).toEqual(message);
  });

  it('refuses, saying nothing more, a wrong hash or a corrupted message', () => {
    const em = raw(encrypt(randomBytes(32), 'sha256'));
    expect(() => decodeEmeOaep(em, modulus, 'sha1')).toThrow(/^decryption error$/);
    const corrupted = Buffer.from(em);
    corrupted[100] ^= 0x01;
    expect(() => decodeEmeOaep(corrupted, modulus, 'sha256')).toThrow(/^decryption error$/);
    expect(() => decodeEmeOaep(Buffer.alloc(257, 1), modulus, 'sha256')).toThrow(
      /^decryption error$/,
    );
  });
});
