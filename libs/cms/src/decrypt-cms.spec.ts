import { randomBytes, privateDecrypt, constants } from 'node:crypto';
import * as pkijs from 'pkijs';
import {
  OID,
  decryptCms,
  encryptCms,
  parseEnvelopedData,
  signCms,
  signerFromKeyObject,
  decrypterFromKeyObject,
  type CmsKeyDecrypter,
  type OaepHash,
} from '.';
import { createCmsFixtures, type CmsFixtures } from './testing/openssl-fixtures';
import { thrownCode } from './testing/thrown-code';
import { flipByteWithin } from './testing/tamper';

describe('decryptCms', () => {
  let fx: CmsFixtures;
  let enveloped: Uint8Array;
  let contentPath: string;
  const content = Buffer.from('Personal data of 3 persons to be readmitted');

  beforeAll(async () => {
    fx = createCmsFixtures();
    contentPath = fx.file('content.txt', content);
    enveloped = await encryptCms(
      content,
      { certificate: fx.encryption.certDer },
      {
        keyTransport: 'rsa-oaep-sha256',
        contentEncryption: 'aes-256-cbc',
      },
    );
  });
  afterAll(() => fx.cleanup());

  const recipient = () => decrypterFromKeyObject(fx.encryption.certDer, fx.encryption.privateKey);
  const opensslEncrypt = (...options: string[]): Buffer =>
    fx.openssl([
      'cms',
      '-encrypt',
      '-binary',
      '-outform',
      'DER',
      '-in',
      contentPath,
      '-recip',
      fx.encryption.certPath,
      ...options,
    ]);

  it('decrypts what was encrypted to it', async () => {
    const plain = await decryptCms(enveloped, recipient());

    expect(Buffer.from(plain).equals(content)).toBe(true);
  });

  it('opens with whichever of several recipients (key generations) a RecipientInfo names', async () => {
    const other = decrypterFromKeyObject(fx.otherEncryption.certPem, fx.otherEncryption.privateKey);

    const plain = await decryptCms(enveloped, [other, recipient()]);

    expect(Buffer.from(plain).equals(content)).toBe(true);
    await expect(decryptCms(enveloped, [other])).rejects.toMatchObject({
      code: 'NOT_FOR_THIS_RECIPIENT',
    });
  });

  it('asks the recipient to unwrap a content key once, and again after a failure', async () => {
    const real = recipient();
    let fail = true;
    const decryptKey = jest.fn((encryptedKey: Uint8Array, oaepHash: OaepHash) =>
      fail ? Promise.reject(new Error('token busy')) : real.decryptKey(encryptedKey, oaepHash),
    );
    const counted: CmsKeyDecrypter = { certificate: real.certificate, decryptKey };

    await expect(decryptCms(enveloped, counted)).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
    fail = false;
    await decryptCms(enveloped, counted);
    const again = await decryptCms(enveloped, counted);

    expect(Buffer.from(again).equals(content)).toBe(true);
    expect(decryptKey).toHaveBeenCalledTimes(2);
    expect(decryptKey).toHaveBeenLastCalledWith(expect.any(Uint8Array), 'sha256');
  });

  it('says NOT_FOR_THIS_RECIPIENT when no RecipientInfo names the certificate', async () => {
    const other = decrypterFromKeyObject(fx.otherEncryption.certPem, fx.otherEncryption.privateKey);

    await expect(decryptCms(enveloped, other)).rejects.toMatchObject({
      code: 'NOT_FOR_THIS_RECIPIENT',
    });
  });

  it('gives one vague DECRYPTION_FAILED for a corrupted encrypted key', async () => {
    const corrupted = flipByteWithin(enveloped, encryptedKeyOf(enveloped), 100);

    const failure = decryptCms(corrupted, recipient());

    await expect(failure).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
      message: 'DECRYPTION_FAILED: The message could not be decrypted',
      details: {},
    });
  });

  it('gives the same DECRYPTION_FAILED for corrupted ciphertext padding', async () => {
    const corrupted = Uint8Array.from(enveloped);
    // The DER ends with the ciphertext; flipping the last byte of the penultimate block flips the
    // final padding byte (0x05 for this 43-byte content), so the padding check must fail.
    corrupted[corrupted.length - 17] ^= 0x01;

    await expect(decryptCms(corrupted, recipient())).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
      message: 'DECRYPTION_FAILED: The message could not be decrypted',
    });
  });

  it('gives DECRYPTION_FAILED when the private key is not the certificate’s', async () => {
    // decrypterFromKeyObject refuses such a pair; a token's key behind a wrong certificate does not.
    expect(
      thrownCode(() => decrypterFromKeyObject(fx.encryption.certDer, fx.rsaSigner.privateKey)),
    ).toBe('SIGNER_KEY_MISMATCH');
    const wrongKey: CmsKeyDecrypter = {
      certificate: fx.encryption.certDer,
      decryptKey: (encryptedKey, oaepHash) =>
        Promise.resolve(
          privateDecrypt(
            { key: fx.rsaSigner.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
            encryptedKey,
          ),
        ),
    };

    await expect(decryptCms(enveloped, wrongKey)).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
  });

  it('decrypts OpenSSL RSA-OAEP-SHA256 with AES-128-CBC, which it reads but never writes', async () => {
    const der = opensslEncrypt(
      '-aes-128-cbc',
      '-keyopt',
      'rsa_padding_mode:oaep',
      '-keyopt',
      'rsa_oaep_md:sha256',
    );

    expect(parseEnvelopedData(der).contentEncryption).toEqual({
      oid: OID.aes128Cbc,
      name: 'aes-128-cbc',
      legacy: false,
    });
    expect(Buffer.from(await decryptCms(der, recipient())).equals(content)).toBe(true);
  });

  it('reports and refuses PKCS#1 v1.5 key transport (Bleichenbacher)', async () => {
    const der = opensslEncrypt('-aes-256-cbc');

    expect(parseEnvelopedData(der).recipients[0]).toMatchObject({
      type: 'keyTransport',
      keyTransport: { oid: OID.rsaEncryption, family: 'rsa-pkcs1-v1_5', legacy: true },
    });
    await expect(decryptCms(der, recipient())).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
    });
  });

  it('reports and refuses an OAEP label, which rsa-oaep-sha256 does not have', async () => {
    const der = opensslEncrypt(
      '-aes-256-cbc',
      '-keyopt',
      'rsa_padding_mode:oaep',
      '-keyopt',
      'rsa_oaep_md:sha256',
      '-keyopt',
      'rsa_oaep_label:0102',
    );

    expect(parseEnvelopedData(der).recipients[0]).toMatchObject({
      keyTransport: { family: 'rsa-oaep', oaep: { label: true }, scheme: undefined },
    });
    await expect(decryptCms(der, recipient())).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
    });
  });

  it('reports OAEP with its SHA-1 default, and does not decrypt it', async () => {
    const der = opensslEncrypt('-aes-256-cbc', '-keyopt', 'rsa_padding_mode:oaep');

    expect(parseEnvelopedData(der).recipients[0]).toMatchObject({
      keyTransport: {
        family: 'rsa-oaep',
        oaep: { hash: { name: 'sha1', legacy: true }, label: false },
        scheme: undefined,
      },
    });
    await expect(decryptCms(der, recipient())).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
      message: expect.stringContaining('key transport') as unknown,
    });
  });

  it('reports 3DES as legacy, and does not decrypt it', async () => {
    const der = opensslEncrypt(
      '-des3',
      '-keyopt',
      'rsa_padding_mode:oaep',
      '-keyopt',
      'rsa_oaep_md:sha256',
    );

    expect(parseEnvelopedData(der).contentEncryption).toEqual({
      oid: OID.desEde3Cbc,
      name: 'des-ede3-cbc',
      legacy: true,
    });
    await expect(decryptCms(der, recipient())).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
      message: expect.stringContaining('content encryption') as unknown,
    });
  });

  it('reports MALFORMED_CMS for garbage and for SignedData', async () => {
    const signed = await signCms(
      content,
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
      {
        scheme: 'ecdsa-sha256',
        signingTime: new Date(),
      },
    );

    await expect(decryptCms(randomBytes(500), recipient())).rejects.toMatchObject({
      code: 'MALFORMED_CMS',
    });
    await expect(decryptCms(signed, recipient())).rejects.toMatchObject({ code: 'MALFORMED_CMS' });
    expect(thrownCode(() => parseEnvelopedData(signed))).toBe('MALFORMED_CMS');
  });
});

function encryptedKeyOf(der: Uint8Array): Uint8Array {
  const envelopedData = new pkijs.EnvelopedData({ schema: pkijs.ContentInfo.fromBER(der).content });
  const keyTrans = envelopedData.recipientInfos[0].value as pkijs.KeyTransRecipientInfo;
  return keyTrans.encryptedKey.valueBlock.valueHexView;
}
