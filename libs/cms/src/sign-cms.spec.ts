import { createHash, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';
import {
  OID,
  SIGNATURE_SCHEMES,
  parseSignedData,
  signCms,
  verifyCmsSignature,
  signerFromKeyObject,
  type CmsSigner,
  type SignatureScheme,
} from '.';
import { thrownCode } from './testing/thrown-code';
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
        const der = await signCms(content, signerFromKeyObject(signer.certPem, signer.privateKey), {
          scheme,
          signingTime,
          detached,
        });

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
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
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
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
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
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
      { scheme: 'ecdsa-sha256', signingTime: later },
    );

    expect(Buffer.from(der).includes(Buffer.from('20510102030405Z'))).toBe(true);
    expect(parseSignedData(der).signers[0].signingTime?.toISOString()).toBe(later.toISOString());
  });

  it('carries the signer certificate and chain byte-for-byte, without duplicates', async () => {
    const der = await signCms(
      content,
      signerFromKeyObject(fx.rsaSigner.certificate, fx.rsaSigner.privateKey, [
        fx.intermediateA.certPem,
        fx.rsaSigner.certDer,
      ]),
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
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
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

    const der = await signCms(content, signerFromKeyObject(fx.ecSigner.certDer, cryptoKey), {
      scheme: 'ecdsa-sha256',
      signingTime,
    });

    await expect(verifyCmsSignature(der)).resolves.toMatchObject({ contentType: OID.data });
  });

  it('signs through the signer’s operation alone, which never shows its key', async () => {
    const calls: { data: Buffer; scheme: SignatureScheme }[] = [];
    const { privateKey } = fx.ecSigner;
    const operation: CmsSigner = {
      certificate: fx.ecSigner.certificate,
      sign: (data, scheme) => {
        calls.push({ data: Buffer.from(data), scheme });
        return Promise.resolve(sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }));
      },
    };

    const der = await signCms(content, operation, { scheme: 'ecdsa-sha256', signingTime });

    await expect(verifyCmsSignature(der)).resolves.toMatchObject({ contentType: OID.data });
    expect(calls).toHaveLength(1);
    expect(calls[0].scheme).toBe('ecdsa-sha256');
    // What it signed is the DER SET OF the signed attributes (RFC 5652 §5.4), tag 0x31.
    expect(calls[0].data[0]).toBe(0x31);
  });

  it('asks nothing of the signer when its certificate’s key cannot sign the scheme', async () => {
    const operation: CmsSigner = {
      certificate: fx.ecSigner.certificate,
      sign: jest.fn(() => Promise.reject(new Error('must not be called'))),
    };

    await expect(
      signCms(content, operation, { scheme: 'rsa-pss-sha256', signingTime }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
    expect(operation.sign).not.toHaveBeenCalled();
  });

  it('refuses a private key that does not belong to the certificate, in every form', () => {
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

    for (const cert of [fx.ecSigner.certificate, fx.ecSigner.certDer, fx.ecSigner.certPem]) {
      expect(thrownCode(() => signerFromKeyObject(cert, stranger))).toBe('SIGNER_KEY_MISMATCH');
    }
    expect(
      thrownCode(() => signerFromKeyObject(fx.otherSigner.certificate, fx.ecSigner.privateKey)),
    ).toBe('SIGNER_KEY_MISMATCH');
  });

  it('checks a CryptoKey against the certificate', async () => {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
    const genuine = await webcrypto.subtle.importKey(
      'pkcs8',
      fx.ecSigner.privateKey.export({ type: 'pkcs8', format: 'der' }),
      algorithm,
      false,
      ['sign'],
    );
    const stranger = (await webcrypto.subtle.generateKey(algorithm, false, ['sign'])).privateKey;

    const der = await signCms(content, signerFromKeyObject(fx.ecSigner.certificate, genuine), {
      scheme: 'ecdsa-sha256',
      signingTime,
    });
    await expect(verifyCmsSignature(der)).resolves.toMatchObject({ contentType: OID.data });
    expect(thrownCode(() => signerFromKeyObject(fx.ecSigner.certificate, stranger))).toBe(
      'SIGNER_KEY_MISMATCH',
    );
  });

  it('refuses a scheme that does not fit the key, or is not in the closed set', async () => {
    const ec = signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey);

    await expect(
      signCms(content, ec, { scheme: 'rsa-pss-sha256', signingTime }),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
    });
    await expect(
      signCms(content, ec, { scheme: 'ecdsa-sha1' as SignatureScheme, signingTime }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_ALGORITHM' });
    // The operation itself refuses too, whoever calls it.
    await expect(ec.sign(content, 'rsa-pss-sha256')).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
    });
  });

  it('refuses a public key in place of the private key', () => {
    expect(() =>
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.certificate.publicKey),
    ).toThrow(TypeError);
  });
});

function signedAttributeTypes(der: Uint8Array): string[] {
  const contentInfo = pkijs.ContentInfo.fromBER(der);
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  return (signedData.signerInfos[0].signedAttrs?.attributes ?? []).map((a) => a.type);
}
