import { randomBytes } from 'node:crypto';
import {
  OID,
  decryptCms,
  encryptCms,
  parseEnvelopedData,
  type EncryptCmsOptions,
  decrypterFromKeyObject,
} from '.';
import { createCmsFixtures, type CmsFixtures } from './testing/openssl-fixtures';

describe('encryptCms', () => {
  let fx: CmsFixtures;
  const options: EncryptCmsOptions = {
    keyTransport: 'rsa-oaep-sha256',
    contentEncryption: 'aes-256-cbc',
  };

  beforeAll(() => {
    fx = createCmsFixtures();
  });
  afterAll(() => fx.cleanup());

  it.each([
    ['empty', 0],
    ['one block exactly', 16],
    ['2 KiB', 2048],
    ['1 MiB', 1 << 20],
  ])('round-trips %s through decryptCms', async (_, size) => {
    const content = randomBytes(size);

    const der = await encryptCms(content, { certificate: fx.encryption.certPem }, options);
    const plain = await decryptCms(
      der,
      decrypterFromKeyObject(fx.encryption.certDer, fx.encryption.privateKey),
    );

    expect(Buffer.from(plain).equals(content)).toBe(true);
  });

  it('writes exactly the algorithms asked for, addressed by issuerAndSerialNumber', async () => {
    const der = await encryptCms(
      Buffer.from('x'),
      { certificate: fx.encryption.certificate },
      options,
    );

    expect(parseEnvelopedData(der)).toEqual({
      version: 0,
      contentType: OID.data,
      contentEncryption: { oid: OID.aes256Cbc, name: 'aes-256-cbc', legacy: false },
      recipients: [
        {
          type: 'keyTransport',
          rid: {
            type: 'issuerAndSerialNumber',
            issuer: 'CN=Intermediate A, O=MXG Test, C=KZ',
            serialNumber: fx.encryption.certificate.serialNumber,
          },
          keyTransport: {
            oid: OID.rsaesOaep,
            family: 'rsa-oaep',
            oaep: {
              hash: { oid: OID.sha256, name: 'sha256', legacy: false },
              mgf1Hash: { oid: OID.sha256, name: 'sha256', legacy: false },
              label: false,
            },
            scheme: 'rsa-oaep-sha256',
            legacy: false,
          },
        },
      ],
    });
  });

  it('uses a fresh content key and IV every time', async () => {
    const content = Buffer.alloc(64, 7);

    const [a, b] = await Promise.all([
      encryptCms(content, { certificate: fx.encryption.certDer }, options),
      encryptCms(content, { certificate: fx.encryption.certDer }, options),
    ]);

    expect(Buffer.from(a).equals(b)).toBe(false);
    expect(Buffer.from(a).includes(content.subarray(0, 16))).toBe(false);
  });

  it('refuses a recipient without an RSA key, and algorithms outside the closed set', async () => {
    await expect(
      encryptCms(Buffer.from('x'), { certificate: fx.ecSigner.certDer }, options),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
    });
    await expect(
      encryptCms(
        Buffer.from('x'),
        { certificate: fx.encryption.certDer },
        {
          ...options,
          contentEncryption: 'aes-128-cbc' as EncryptCmsOptions['contentEncryption'],
        },
      ),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
  });

  it('reports MALFORMED_CERTIFICATE for a recipient certificate it cannot read', async () => {
    await expect(
      encryptCms(Buffer.from('x'), { certificate: 'not a certificate' }, options),
    ).rejects.toMatchObject({
      code: 'MALFORMED_CERTIFICATE',
    });
  });
});
