import { OID, parseSignedData, signCms, verifyCmsSignature, signerFromKeyObject } from '.';
import { createCmsFixtures, type CmsFixtures, type Credential } from './testing/openssl-fixtures';
import { thrownCode } from './testing/thrown-code';

describe('parseSignedData', () => {
  let fx: CmsFixtures;
  let contentPath: string;
  const content = Buffer.from('Notification of readmission, case 17');

  beforeAll(() => {
    fx = createCmsFixtures();
    contentPath = fx.file('content.txt', content);
  });
  afterAll(() => fx.cleanup());

  const opensslSign = (signer: Credential, ...extra: string[]): Buffer =>
    fx.openssl([
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-outform',
      'DER',
      '-in',
      contentPath,
      '-signer',
      signer.certPath,
      '-inkey',
      signer.keyPath,
      ...extra,
    ]);

  it('reports SHA-1 exactly, as legacy, rather than accepting it silently', async () => {
    const der = opensslSign(fx.ecSigner, '-md', 'sha1');

    const [signer] = parseSignedData(der).signers;

    expect(signer.digestAlgorithm).toEqual({ oid: OID.sha1, name: 'sha1', legacy: true });
    expect(signer.signatureAlgorithm).toMatchObject({
      oid: OID.ecdsaWithSha1,
      family: 'ecdsa',
      hash: { name: 'sha1', legacy: true },
      legacy: true,
    });
    expect(signer.signatureAlgorithm.scheme).toBeUndefined();
    // Verification still reports it; the caller's allow-list decides.
    await expect(verifyCmsSignature(der)).resolves.toMatchObject({
      signers: [{ digestAlgorithm: { name: 'sha1', legacy: true } }],
    });
  });

  it('reports OpenSSL’s bare rsaEncryption signature algorithm as rsa-pkcs1-sha256', () => {
    const [signer] = parseSignedData(opensslSign(fx.rsaSigner, '-md', 'sha256')).signers;

    expect(signer.digestAlgorithm).toEqual({ oid: OID.sha256, name: 'sha256', legacy: false });
    expect(signer.signatureAlgorithm).toEqual({
      oid: OID.rsaEncryption,
      family: 'rsa-pkcs1',
      hash: { oid: OID.sha256, name: 'sha256', legacy: false },
      scheme: 'rsa-pkcs1-sha256',
      legacy: false,
    });
    expect(signer.publicKey).toEqual({ type: 'rsa', bits: 2048, curve: undefined, legacy: false });
  });

  it('reports RSASSA-PSS parameters, including OpenSSL’s maximal salt', () => {
    const der = opensslSign(fx.rsaSigner, '-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss');

    const [signer] = parseSignedData(der).signers;

    expect(signer.signatureAlgorithm).toEqual({
      oid: OID.rsassaPss,
      family: 'rsa-pss',
      hash: { oid: OID.sha256, name: 'sha256', legacy: false },
      pss: {
        mgf1Hash: { oid: OID.sha256, name: 'sha256', legacy: false },
        saltLength: 222,
        trailerField: 1,
      },
      scheme: 'rsa-pss-sha256',
      legacy: false,
    });
  });

  it('reports ECDSA with SHA-384 and the signer’s curve', () => {
    const [signer] = parseSignedData(opensslSign(fx.ecSigner, '-md', 'sha384')).signers;

    expect(signer.signatureAlgorithm).toMatchObject({
      oid: OID.ecdsaWithSha384,
      scheme: 'ecdsa-sha384',
    });
    expect(signer.publicKey).toMatchObject({ type: 'ec', curve: 'P-256' });
  });

  it('reports a subjectKeyIdentifier sid and still finds the certificate by it', async () => {
    const der = opensslSign(fx.ecSigner, '-md', 'sha256', '-keyid');
    const skiHex = fx
      .openssl(['x509', '-in', fx.ecSigner.certPath, '-noout', '-ext', 'subjectKeyIdentifier'])
      .toString()
      .split('\n')[1]
      .trim()
      .replace(/:/g, '')
      .toLowerCase();

    const [signer] = parseSignedData(der).signers;

    expect(signer.sid).toEqual({ type: 'subjectKeyIdentifier', subjectKeyIdentifier: skiHex });
    expect(Buffer.from(signer.certificate ?? []).equals(fx.ecSigner.certDer)).toBe(true);
    await expect(verifyCmsSignature(der)).resolves.toMatchObject({
      signers: [{ sid: signer.sid }],
    });
  });

  it('reports an issuerAndSerialNumber sid in the form node’s X509Certificate uses', async () => {
    const der = await signCms(
      content,
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
      {
        scheme: 'ecdsa-sha256',
        signingTime: new Date(),
      },
    );

    expect(parseSignedData(der).signers[0].sid).toEqual({
      type: 'issuerAndSerialNumber',
      issuer: 'CN=Intermediate A, O=MXG Test, C=KZ',
      serialNumber: fx.ecSigner.certificate.serialNumber,
    });
  });

  it('reads BER with indefinite lengths and segmented content (openssl -stream)', async () => {
    const der = opensslSign(fx.ecSigner, '-md', 'sha256', '-stream');
    expect(der[1]).toBe(0x80); // indefinite length

    const info = parseSignedData(der);

    expect(Buffer.from(info.encapsulatedContent ?? []).equals(content)).toBe(true);
    await expect(verifyCmsSignature(der)).resolves.toMatchObject({ contentType: OID.data });
  });

  it('returns the carried certificates byte-for-byte and leaves detached content absent', () => {
    const der = opensslSign(
      fx.ecSigner,
      '-md',
      'sha256',
      '-certfile',
      fx.intermediateA.certPath,
    ).subarray(0);
    const detached = fx.openssl([
      'cms',
      '-sign',
      '-binary',
      '-outform',
      'DER',
      '-in',
      contentPath,
      '-signer',
      fx.ecSigner.certPath,
      '-inkey',
      fx.ecSigner.keyPath,
    ]);

    const carried = parseSignedData(der).certificates.map((c) => Buffer.from(c).toString('hex'));
    expect(carried.sort()).toEqual(
      [fx.ecSigner.certDer, fx.intermediateA.certDer]
        .map((c) => Buffer.from(c).toString('hex'))
        .sort(),
    );
    expect(parseSignedData(detached).encapsulatedContent).toBeUndefined();
  });

  it('throws MALFORMED_CMS with a stable code on garbage', () => {
    expect(thrownCode(() => parseSignedData(Buffer.from('-----BEGIN CMS-----')))).toBe(
      'MALFORMED_CMS',
    );
  });
});
