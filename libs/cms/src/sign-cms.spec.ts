import { createHash, generateKeyPairSync, webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';
import {
  OID,
  SIGNATURE_SCHEMES,
  parseSignedData,
  signCms,
  verifyCmsSignature,
  type SignatureScheme,
} from '.';
import { createCmsFixtures, type CmsFixtures, type Credential } from './testing/openssl-fixtures';

describe('signCms', () => {
  let fx: CmsFixtures;
  const content = Buffer.from('{"case":"MIG-2026-000017","action":"return"}');
  const signingTime = new Date('2026-03-01T10:20:30.456Z');

  beforeAll(() => {
    fx = createCmsFixtures();
  });
  afterAll(() => fx.cleanup());

  const credentialFor = (scheme: SignatureScheme): Credential =>
    scheme.startsWith('ecdsa') ? fx.ecSigner : fx.rsaSigner;

  describe.each(SIGNATURE_SCHEMES.map((scheme) => [scheme]))('%s', (scheme) => {
    it.each([false, true])(
      'round-trips through verifyCmsSignature (detached: %s)',
      async (detached) => {
        const signer = credentialFor(scheme);
        const der = await signCms(
          content,
          { certificate: signer.certPem, privateKey: signer.privateKey },
          { scheme, signingTime, detached },
        );

        const verified = await verifyCmsSignature(
          der,
          detached ? { detachedContent: content } : {},
        );

        expect(Buffer.from(verified.content).equals(content)).toBe(true);
        expect(verified.signers).toHaveLength(1);
        const [verifiedSigner] = verified.signers;
        expect(verifiedSigner.signatureAlgorithm.scheme).toBe(scheme);
        expect(Buffer.from(verifiedSigner.certificate).equals(signer.certDer)).toBe(true);
        expect(parseSignedData(der).encapsulatedContent === undefined).toBe(detached);
      },
    );
  });

  it('carries extra signed attributes, covered by the signature', async () => {
    const type = '2.25.73741742561871163920772413435898580669'; // arcs past 2^53
    const value = Uint8Array.of(0x0c, 0x02, 0x68, 0x69); // UTF8String "hi"
    const der = await signCms(
      content,
      { certificate: fx.ecSigner.certDer, privateKey: fx.ecSigner.privateKey },
      { scheme: 'ecdsa-sha256', signingTime, extraAttributes: [{ type, value }] },
    );
    const [signer] = (await verifyCmsSignature(der)).signers;
    expect(signer.otherAttributes?.get(type)).toEqual([value]);

    // "hi" → "ho" inside the signed attributes: the signature no longer holds.
    const tampered = Buffer.from(der);
    const at = tampered.indexOf(Buffer.from([0x0c, 0x02, 0x68, 0x69]));
    tampered[at + 3] = 0x6f;
    await expect(verifyCmsSignature(tampered)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('writes the RFC 5652 signed attributes in DER order with the caller’s signing time', async () => {
    const der = await signCms(
      content,
      { certificate: fx.ecSigner.certDer, privateKey: fx.ecSigner.privateKey },
      { scheme: 'ecdsa-sha256', signingTime },
    );

    const info = parseSignedData(der);
    const [signer] = info.signers;
    expect(info.version).toBe(1);
    expect(info.contentType).toBe(OID.data);
    expect(signer.contentTypeAttribute).toBe(OID.data);
    expect(signer.signingTime?.toISOString()).toBe('2026-03-01T10:20:30.000Z');
    expect(
      Buffer.from(signer.messageDigest ?? []).equals(createHash('sha256').update(content).digest()),
    ).toBe(true);
    expect(signedAttributeTypes(der)).toEqual([
      OID.contentTypeAttribute,
      OID.signingTimeAttribute,
      OID.messageDigestAttribute,
    ]);
  });

  it('uses GeneralizedTime outside 1950–2049 (RFC 5652 §11.3)', async () => {
    const later = new Date('2051-01-02T03:04:05Z');
    const der = await signCms(
      content,
      { certificate: fx.ecSigner.certDer, privateKey: fx.ecSigner.privateKey },
      { scheme: 'ecdsa-sha256', signingTime: later },
    );

    expect(Buffer.from(der).includes(Buffer.from('20510102030405Z'))).toBe(true);
    expect(parseSignedData(der).signers[0].signingTime?.toISOString()).toBe(later.toISOString());
  });

  it('carries the signer certificate and chain byte-for-byte, without duplicates', async () => {
    const der = await signCms(
      content,
      {
        certificate: fx.rsaSigner.certificate,
        privateKey: fx.rsaSigner.privateKey,
        chain: [fx.intermediateA.certPem, fx.rsaSigner.certDer],
      },
      { scheme: 'rsa-pss-sha256', signingTime },
    );

    const carried = parseSignedData(der).certificates.map((c) => Buffer.from(c).toString('hex'));
    expect(carried.sort()).toEqual(
      [fx.rsaSigner.certDer, fx.intermediateA.certDer]
        .map((c) => Buffer.from(c).toString('hex'))
        .sort(),
    );
  });

  it('signs another content type as SignedData version 3 (RFC 5652 §5.1)', async () => {
    const der = await signCms(
      content,
      { certificate: fx.ecSigner.certDer, privateKey: fx.ecSigner.privateKey },
      { scheme: 'ecdsa-sha256', signingTime, contentType: OID.envelopedData },
    );

    const verified = await verifyCmsSignature(der);
    expect(parseSignedData(der).version).toBe(3);
    expect(verified.contentType).toBe(OID.envelopedData);
    expect(verified.signers[0].contentTypeAttribute).toBe(OID.envelopedData);
  });

  it('accepts a non-extractable WebCrypto key', async () => {
    const pkcs8 = fx.ecSigner.privateKey.export({ format: 'der', type: 'pkcs8' });
    const cryptoKey = await webcrypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );

    const der = await signCms(
      content,
      { certificate: fx.ecSigner.certDer, privateKey: cryptoKey },
      { scheme: 'ecdsa-sha256', signingTime },
    );

    await expect(verifyCmsSignature(der)).resolves.toMatchObject({ contentType: OID.data });
  });

  it('refuses a private key that does not belong to the certificate', async () => {
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

    await expect(
      signCms(
        content,
        { certificate: fx.ecSigner.certDer, privateKey: stranger },
        { scheme: 'ecdsa-sha256', signingTime },
      ),
    ).rejects.toMatchObject({ code: 'SIGNER_KEY_MISMATCH' });
  });

  it('remembers only matching key/certificate pairs: any other pair is checked again', async () => {
    const scheme = 'ecdsa-sha256';
    const { certificate, privateKey } = fx.ecSigner;
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const sign = (cert: Credential['certificate'] | Uint8Array | string, key: typeof stranger) =>
      signCms(content, { certificate: cert, privateKey: key }, { scheme, signingTime });

    // The genuine pair, signed twice: the second time the match is remembered.
    await expect(sign(certificate, privateKey)).resolves.toBeInstanceOf(Uint8Array);
    await expect(sign(certificate, privateKey)).resolves.toBeInstanceOf(Uint8Array);

    // Another key for the same certificate, in every form a certificate can be given in.
    for (const cert of [certificate, fx.ecSigner.certDer, fx.ecSigner.certPem]) {
      await expect(sign(cert, stranger)).rejects.toMatchObject({ code: 'SIGNER_KEY_MISMATCH' });
    }
    // The same (remembered) key for another certificate.
    await expect(sign(fx.otherSigner.certificate, privateKey)).rejects.toMatchObject({
      code: 'SIGNER_KEY_MISMATCH',
    });
    // A refusal is not remembered against the genuine pair, nor a match for the stranger.
    await expect(sign(certificate, privateKey)).resolves.toBeInstanceOf(Uint8Array);
    await expect(sign(certificate, stranger)).rejects.toMatchObject({
      code: 'SIGNER_KEY_MISMATCH',
    });
  });

  it('checks a CryptoKey against the certificate each time it is another key', async () => {
    const scheme = 'ecdsa-sha256';
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
    const genuine = await webcrypto.subtle.importKey(
      'pkcs8',
      fx.ecSigner.privateKey.export({ type: 'pkcs8', format: 'der' }),
      algorithm,
      false,
      ['sign'],
    );
    const stranger = (await webcrypto.subtle.generateKey(algorithm, false, ['sign'])).privateKey;
    const sign = (key: webcrypto.CryptoKey) =>
      signCms(
        content,
        { certificate: fx.ecSigner.certificate, privateKey: key },
        { scheme, signingTime },
      );

    await expect(sign(genuine)).resolves.toBeInstanceOf(Uint8Array);
    await expect(sign(genuine)).resolves.toBeInstanceOf(Uint8Array);
    await expect(sign(stranger)).rejects.toMatchObject({ code: 'SIGNER_KEY_MISMATCH' });
  });

  it('refuses a scheme that does not fit the key, or is not in the closed set', async () => {
    const ec = { certificate: fx.ecSigner.certDer, privateKey: fx.ecSigner.privateKey };

    await expect(
      signCms(content, ec, { scheme: 'rsa-pss-sha256', signingTime }),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
    });
    await expect(
      signCms(content, ec, { scheme: 'ecdsa-sha1' as SignatureScheme, signingTime }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
  });

  it('refuses a public key in place of the private key', async () => {
    await expect(
      signCms(
        content,
        { certificate: fx.ecSigner.certDer, privateKey: fx.ecSigner.certificate.publicKey },
        { scheme: 'ecdsa-sha256', signingTime },
      ),
    ).rejects.toThrow(TypeError);
  });
});

function signedAttributeTypes(der: Uint8Array): string[] {
  const contentInfo = pkijs.ContentInfo.fromBER(der);
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  return (signedData.signerInfos[0].signedAttrs?.attributes ?? []).map((a) => a.type);
}
