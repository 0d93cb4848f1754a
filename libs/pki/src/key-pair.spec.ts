import { generateKeyPairSync } from 'node:crypto';
import { generateKeyPair, toWebCryptoSigner } from './key-pair';

describe(generateKeyPair.name, () => {
  it.each([
    ['ecdsa-p256', 'ec', { namedCurve: 'prime256v1' }],
    ['ecdsa-p384', 'ec', { namedCurve: 'secp384r1' }],
    ['rsa-2048', 'rsa', { modulusLength: 2048, publicExponent: 65537n }],
    ['rsa-3072', 'rsa', { modulusLength: 3072, publicExponent: 65537n }],
  ] as const)('generates %s keys', async (algorithm, type, details) => {
    const { privateKey, publicKey } = await generateKeyPair(algorithm);
    expect(privateKey.type).toBe('private');
    expect(privateKey.asymmetricKeyType).toBe(type);
    expect(privateKey.asymmetricKeyDetails).toMatchObject(details);
    expect(publicKey.asymmetricKeyDetails).toMatchObject(details);
  });

  it('refuses rsa-1024 unless a test explicitly asks for a weak key', async () => {
    await expect(generateKeyPair('rsa-1024')).rejects.toMatchObject({ code: 'PKI_WEAK_KEY' });
    const { privateKey } = await generateKeyPair('rsa-1024', { allowWeakForTests: true });
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });
});

describe(toWebCryptoSigner.name, () => {
  it('signs with ECDSA SHA-256 on P-256, ECDSA SHA-384 on P-384 and PKCS#1 v1.5 SHA-256 on RSA', async () => {
    const p256 = await toWebCryptoSigner((await generateKeyPair('ecdsa-p256')).privateKey);
    const p384 = await toWebCryptoSigner((await generateKeyPair('ecdsa-p384')).privateKey);
    const rsa = await toWebCryptoSigner((await generateKeyPair('rsa-2048')).privateKey);
    expect(p256.algorithm).toEqual({ name: 'ECDSA', hash: 'SHA-256' });
    expect(p384.algorithm).toEqual({ name: 'ECDSA', hash: 'SHA-384' });
    expect(rsa.algorithm).toEqual({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' });
    expect(p256.key.extractable).toBe(false);
    expect(p256.key.usages).toEqual(['sign']);
  });

  it('refuses key types a CA must not sign with', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    await expect(toWebCryptoSigner(privateKey)).rejects.toMatchObject({
      code: 'PKI_UNSUPPORTED_KEY',
    });
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    await expect(toWebCryptoSigner(secp256k1)).rejects.toMatchObject({
      code: 'PKI_UNSUPPORTED_KEY',
    });
  });
});
