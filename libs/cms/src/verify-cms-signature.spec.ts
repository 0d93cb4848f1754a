import { randomBytes } from 'node:crypto';
import {
  OID,
  encryptCms,
  parseSignedData,
  signCms,
  verifyCmsSignature,
  signerFromKeyObject,
} from '.';
import { objectIdentifier, time } from './der';
import { createCmsFixtures, type CmsFixtures } from './testing/openssl-fixtures';
import { flipByteWithin } from './testing/tamper';

describe('verifyCmsSignature', () => {
  let fx: CmsFixtures;
  let attached: Uint8Array;
  let detached: Uint8Array;
  const content = Buffer.from('Return request KZ-AZ 0042: 3 persons, 2026-03-01');
  const signingTime = new Date('2026-03-01T10:20:30Z');

  beforeAll(async () => {
    fx = createCmsFixtures();
    const signer = signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey);
    attached = await signCms(content, signer, { scheme: 'ecdsa-sha256', signingTime });
    detached = await signCms(content, signer, {
      scheme: 'ecdsa-sha256',
      signingTime,
      detached: true,
    });
  });
  afterAll(() => fx.cleanup());

  it('accepts the untouched signatures', async () => {
    await expect(verifyCmsSignature(attached)).resolves.toMatchObject({
      signers: [{ signingTime }],
    });
    await expect(verifyCmsSignature(detached, { detachedContent: content })).resolves.toMatchObject(
      {
        signers: [{ signingTime }],
      },
    );
  });

  it('rejects a changed content byte, attached or detached', async () => {
    await expect(verifyCmsSignature(flipByteWithin(attached, content, 5))).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    await expect(
      verifyCmsSignature(detached, { detachedContent: flipByteWithin(content, content, 5) }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('rejects a changed signed attribute even though the digest still matches', async () => {
    // One digit of the signing time (30 s → 31 s, still a valid time): the message digest is
    // intact, the signature is not.
    const tampered = flipByteWithin(attached, time(signingTime), 13);

    await expect(verifyCmsSignature(tampered)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      message: expect.stringContaining('signature does not verify') as unknown,
    });
  });

  it('rejects a content-type attribute that does not repeat eContentType', async () => {
    const signed = await signCms(
      content,
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
      { scheme: 'ecdsa-sha256', signingTime, contentType: OID.envelopedData },
    );
    // The first occurrence is eContentType (unsigned); 1.2.840.113549.1.7.3 becomes …1.7.2.
    const relabelled = flipByteWithin(signed, objectIdentifier(OID.envelopedData), 10);

    expect(parseSignedData(relabelled).contentType).toBe(OID.signedData);
    await expect(verifyCmsSignature(relabelled)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      message: expect.stringContaining('content-type') as unknown,
    });
  });

  it('rejects a changed signature value', async () => {
    const tampered = Uint8Array.from(attached);
    tampered[tampered.length - 3] ^= 0x01; // inside the trailing ECDSA signature OCTET STRING

    await expect(verifyCmsSignature(tampered)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it.each([
    ['random bytes', () => randomBytes(300)],
    ['an empty input', () => new Uint8Array(0)],
    ['a truncated SignedData', () => attached.subarray(0, attached.length - 10)],
    ['trailing bytes', () => Buffer.concat([attached, Uint8Array.of(0)])],
  ])('reports MALFORMED_CMS for %s', async (_, make) => {
    await expect(verifyCmsSignature(make())).rejects.toMatchObject({ code: 'MALFORMED_CMS' });
  });

  it('reports MALFORMED_CMS for EnvelopedData handed to the verifier', async () => {
    const enveloped = await encryptCms(
      content,
      { certificate: fx.encryption.certDer },
      {
        keyTransport: 'rsa-oaep-sha256',
        contentEncryption: 'aes-256-cbc',
      },
    );

    await expect(verifyCmsSignature(enveloped)).rejects.toMatchObject({ code: 'MALFORMED_CMS' });
  });

  it('insists on exactly one source of content', async () => {
    await expect(verifyCmsSignature(detached)).rejects.toMatchObject({ code: 'MALFORMED_CMS' });
    await expect(verifyCmsSignature(attached, { detachedContent: content })).rejects.toMatchObject({
      code: 'MALFORMED_CMS',
    });
  });

  it('needs the signer certificate, which may be supplied when the sender left it out', async () => {
    const path = fx.file('content.txt', content);
    const noCerts = fx.openssl([
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-nocerts',
      '-outform',
      'DER',
      '-md',
      'sha256',
      '-in',
      path,
      '-signer',
      fx.ecSigner.certPath,
      '-inkey',
      fx.ecSigner.keyPath,
    ]);

    await expect(verifyCmsSignature(noCerts)).rejects.toMatchObject({
      code: 'SIGNER_CERTIFICATE_MISSING',
    });
    await expect(
      verifyCmsSignature(noCerts, { certificates: [fx.ecSigner.certPem] }),
    ).resolves.toMatchObject({
      signers: [{ publicKey: { type: 'ec', curve: 'P-256' } }],
    });
  });

  it('rejects a signer without signed attributes (MXG profile)', async () => {
    const path = fx.file('content.txt', content);
    const noAttributes = fx.openssl([
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-noattr',
      '-outform',
      'DER',
      '-md',
      'sha256',
      '-in',
      path,
      '-signer',
      fx.ecSigner.certPath,
      '-inkey',
      fx.ecSigner.keyPath,
    ]);

    await expect(verifyCmsSignature(noAttributes)).rejects.toMatchObject({ code: 'MALFORMED_CMS' });
  });

  it('verifies every signer, not just the first', async () => {
    const path = fx.file('content.txt', content);
    const two = fx.openssl([
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-outform',
      'DER',
      '-md',
      'sha256',
      '-in',
      path,
      '-signer',
      fx.ecSigner.certPath,
      '-inkey',
      fx.ecSigner.keyPath,
      '-signer',
      fx.rsaSigner.certPath,
      '-inkey',
      fx.rsaSigner.keyPath,
    ]);

    const lastSignerBroken = Uint8Array.from(two);
    lastSignerBroken[lastSignerBroken.length - 1] ^= 0x01; // last byte of the last SignerInfo's signature

    const verified = await verifyCmsSignature(two);
    expect(verified.signers.map((s) => s.publicKey.type).sort()).toEqual(['ec', 'rsa']);
    await expect(verifyCmsSignature(lastSignerBroken)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });
});
